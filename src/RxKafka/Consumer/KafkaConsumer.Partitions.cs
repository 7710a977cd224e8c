using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxKafka.Consumer.Engine;

namespace RxKafka.Consumer;

// The per-partition face: one observable per assigned partition, each delivered on its own loop (R1).
public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc/>
    public IObservable<IGroupedObservable<TopicPartition, ConsumeResult<TKey, TValue>>> ConsumePartitions() =>
        Observable.Create<IGroupedObservable<TopicPartition, ConsumeResult<TKey, TValue>>>(observer =>
        {
            var lease = BeginReading();
            var face = new PartitionsFace(this, observer, lease);
            face.Start();
            return face;
        });

    /// <summary>
    /// Emits a group when a partition first has records, and delivers each group's records on a loop of its
    /// own once the group is subscribed to (until then its records wait in the prefetch, which bounds them).
    /// A group completes when its partition is revoked, and fails alone when its partition fails.
    /// </summary>
    private sealed class PartitionsFace : IDisposable
    {
        private readonly KafkaConsumer<TKey, TValue> _consumer;
        private readonly IObserver<IGroupedObservable<TopicPartition, ConsumeResult<TKey, TValue>>> _observer;
        private readonly IDisposable _lease;
        private readonly Dictionary<PartitionState, Group> _groups = new();
        private readonly object _gate = new();
        private readonly Reactive.SerialExecutor _emitter;
        private readonly Queue<Group> _toEmit = new();
        private bool _stopped;

        public PartitionsFace(KafkaConsumer<TKey, TValue> consumer, IObserver<IGroupedObservable<TopicPartition, ConsumeResult<TKey, TValue>>> observer, IDisposable lease)
        {
            _consumer = consumer;
            _observer = observer;
            _lease = lease;
            _emitter = Reactive.SerialExecutor.Trampoline(EmitGroups);
        }

        public void Start()
        {
            var engine = _consumer._engine;
            engine.ChunkArrived = OnChunk;
            engine.PartitionRevoked = OnRevoked;
            foreach (var partition in engine.Assignment)
            {
                if (engine.Find(partition) is { Chunks.Count: > 0 } state)
                {
                    OnChunk(state);
                }
            }
        }

        public void Dispose()
        {
            List<Group> groups;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                _stopped = true;
                groups = _groups.Values.ToList();
                _groups.Clear();
            }

            _consumer._engine.ChunkArrived = null;
            _consumer._engine.PartitionRevoked = null;
            foreach (var group in groups)
            {
                group.Loop?.Dispose();
            }

            _lease.Dispose();
        }

        private void OnChunk(PartitionState state)
        {
            Group? group;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                if (!_groups.TryGetValue(state, out group))
                {
                    group = new Group(this, state);
                    _groups.Add(state, group);
                    _toEmit.Enqueue(group);
                    group = null;
                }
            }

            if (group is null)
            {
                _emitter.Signal();
            }
            else
            {
                group.Loop?.Poke();
            }
        }

        private void OnRevoked(PartitionState state)
        {
            Group? group;
            lock (_gate)
            {
                _groups.Remove(state, out group);
            }

            group?.Complete();
        }

        private void EmitGroups()
        {
            while (true)
            {
                Group? group;
                lock (_gate)
                {
                    if (_stopped || !_toEmit.TryDequeue(out group))
                    {
                        return;
                    }
                }

                _observer.OnNext(group);
            }
        }

        private sealed class Group(PartitionsFace face, PartitionState state) : IGroupedObservable<TopicPartition, ConsumeResult<TKey, TValue>>
        {
            private readonly object _gate = new();
            private bool _completed;

            public TopicPartition Key => state.Partition;

            public DeliveryLoop? Loop { get; private set; }

            public IDisposable Subscribe(IObserver<ConsumeResult<TKey, TValue>> observer)
            {
                DeliveryLoop loop;
                lock (_gate)
                {
                    if (_completed)
                    {
                        observer.OnCompleted();
                        return Disposable.Empty;
                    }

                    if (Loop is not null)
                    {
                        throw new InvalidOperationException($"The group of {state.Partition} has a subscriber already: a partition's records are delivered once");
                    }

                    loop = Loop = new DeliveryLoop(face._consumer, observer, state, lease: null);
                }

                loop.Start();
                return loop;
            }

            public void Complete()
            {
                DeliveryLoop? loop;
                lock (_gate)
                {
                    _completed = true;
                    loop = Loop;
                }

                loop?.Complete();
            }
        }
    }
}
