using System.Collections.Concurrent;
using Confluent.Kafka;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>
/// One Confluent.Kafka 2.15.1 consumer in a group, polled on a thread of its own (a librdkafka consumer is not
/// thread-safe): it records every record it reads, commits each one synchronously, and counts the
/// rebalance callbacks it sees, so a test can watch a group from outside.
/// </summary>
internal sealed class ConfluentGroupMember : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _log = new();
    private volatile int[] _assignment = [];
    private int _assigned;
    private int _revoked;

    /// <param name="assignor">A classic assignor (range, roundrobin, cooperative-sticky), or "consumer" for a KIP-848
    /// member (group.protocol=consumer), whose assignor, session timeout and heartbeat interval are the broker's.</param>
    public ConfluentGroupMember(string name, string bootstrap, string group, string topic, string assignor, ConcurrentQueue<(string Member, int Partition, long Offset)> consumed, string? instanceId = null)
    {
        Name = name;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            ClientId = name,
            GroupInstanceId = instanceId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            TopicMetadataRefreshIntervalMs = 1_000,
        };
        if (assignor == "consumer")
        {
            config.GroupProtocol = GroupProtocol.Consumer;
        }
        else
        {
            config.PartitionAssignmentStrategy = assignor switch
            {
                "range" => PartitionAssignmentStrategy.Range,
                "roundrobin" => PartitionAssignmentStrategy.RoundRobin,
                _ => PartitionAssignmentStrategy.CooperativeSticky,
            };
            (config.SessionTimeoutMs, config.HeartbeatIntervalMs) = (10_000, 300);
        }

        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => _log.Enqueue($"{m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => _log.Enqueue($"error {e.Code}: {e.Reason}"))
            .SetPartitionsAssignedHandler((c, added) =>
            {
                Interlocked.Increment(ref _assigned);
                _log.Enqueue($"assigned {string.Join(",", added.Select(p => p.Partition.Value))}");
            })
            .SetPartitionsRevokedHandler((c, removed) =>
            {
                Interlocked.Increment(ref _revoked);
                _log.Enqueue($"revoked {string.Join(",", removed.Select(p => p.Partition.Value))}");
            })
            .Build();
        _consumer.Subscribe(topic);
        _loop = Task.Factory.StartNew(() => Poll(consumed), TaskCreationOptions.LongRunning);
    }

    public string Name { get; }

    /// <summary>The partitions assigned now, as the poll loop last saw them, in order.</summary>
    public int[] Assignment => _assignment;

    /// <summary>How many times partitions were assigned (an eager rebalance assigns once per generation).</summary>
    public int AssignedCount => Volatile.Read(ref _assigned);

    /// <summary>How many times partitions were revoked.</summary>
    public int RevokedCount => Volatile.Read(ref _revoked);

    /// <summary>The consumer's last log lines, for failure messages.</summary>
    public string Log => $"{Name}:\n  " + string.Join("\n  ", _log.TakeLast(25));

    /// <summary>Stops polling and closes the consumer (a dynamic member leaves the group; a static one does not, KIP-345).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(30));
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Poll(ConcurrentQueue<(string Member, int Partition, long Offset)> consumed)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(50));
                _assignment = [.. _consumer.Assignment.Select(p => p.Partition.Value).Order()];
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                consumed.Enqueue((Name, result.Partition.Value, result.Offset.Value));
                _consumer.Commit(result);
            }
            catch (Confluent.Kafka.KafkaException e)
            {
                // A commit racing a rebalance fails (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION): the next owner rereads.
                _log.Enqueue($"exception {e.Error.Code}: {e.Error.Reason}");
            }
        }
    }
}
