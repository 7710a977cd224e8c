#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Producer;
using RxKafka.Producer.Engine;
using RxKafka.Producer.Partitioning;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer;

/// <summary>KafkaProducer's three faces over a ScriptedCluster in virtual time.</summary>
public sealed class KafkaProducerTests : ReactiveTest, IAsyncDisposable
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly TestScheduler _scheduler = new();
    private readonly ScriptedCluster _cluster;
    private readonly List<KafkaProducer<string?, string?>> _producers = new();

    public KafkaProducerTests()
    {
        _cluster = new ScriptedCluster(_scheduler, brokers: 3);
        _cluster.CreateTopic("orders", partitions: 3, replicationFactor: 3);
    }

    private ProducerOptions Options => new()
    {
        Client = new KafkaClientOptions
        {
            BootstrapServers = BootstrapServers.Parse(_cluster.BootstrapServers),
            TransportFactory = _cluster,
            Scheduler = _scheduler,
            BackoffJitter = 0,
            Random = new Random(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
        },
        DeliveryTimeout = TimeSpan.FromSeconds(20),
    };

    private KafkaProducer<string?, string?> Producer(ProducerOptions? options = null, ISerializer<string?>? valueSerializer = null)
    {
        var producer = new KafkaProducer<string?, string?>(options ?? Options, Serializers.Utf8, valueSerializer ?? Serializers.Utf8);
        _producers.Add(producer);
        return producer;
    }

    private T Complete<T>(Task<T> task, TimeSpan? budget = null)
    {
        Assert.True(_scheduler.AdvanceUntilCompleted(task, budget ?? Second), "the task did not complete in virtual time");
        Assert.True(task.IsCompletedSuccessfully, $"the task failed: {task.Exception?.InnerException}");
        return task.Result;
    }

    private TException Fails<TException>(Task task, TimeSpan? budget = null)
        where TException : Exception
    {
        Assert.True(_scheduler.AdvanceUntilCompleted(task, budget ?? Second), "the task did not complete in virtual time");
        Assert.True(task.IsFaulted, $"the task did not fail: {task.Status}");
        return Assert.IsAssignableFrom<TException>(task.Exception!.InnerException);
    }

    [Fact]
    public void Producers_on_a_shared_client_use_its_one_metadata_synchronizer_and_leave_it_open_when_closed()
    {
        var client = new KafkaClient(Options.Client);
        Complete(client.BootstrapAsync());
        var metadataBefore = _cluster.MetadataRequests.Count;
        var first = new KafkaProducer<string?, string?>(client, Options with { Client = new KafkaClientOptions() }, Serializers.Utf8, Serializers.Utf8);
        // ProducerOptions.Client left unset above, set to the client's own here: both mean "the shared client's".
        var second = new KafkaProducer<string?, string?>(client, Options with { Client = client.Options }, Serializers.Utf8, Serializers.Utf8);

        var a = Complete(first.ProduceAsync("orders", "k", "from-first"));
        var b = Complete(second.ProduceAsync("orders", "k", "from-second"));

        Assert.Same(client, first.Client);
        Assert.Same(client.Options, first.Options.Client);
        Assert.Equal((a.Partition, a.Offset + 1), (b.Partition, b.Offset));
        // The client was bootstrapped and knows the topic: neither producer asked for metadata of its own.
        Assert.Equal(metadataBefore, _cluster.MetadataRequests.Count);
        Assert.True(_scheduler.AdvanceUntilCompleted(first.DisposeAsync().AsTask(), Second));
        Assert.True(_scheduler.AdvanceUntilCompleted(second.DisposeAsync().AsTask(), Second));
        Complete(client.ForceMetadataUpdateAsync());
        Assert.True(_scheduler.AdvanceUntilCompleted(client.DisposeAsync().AsTask(), Second));
    }

    [Fact]
    public void Code_written_against_IKafkaProducer_runs_on_the_real_producer_and_on_a_fake()
    {
        static Task<RecordMetadata> Pay(IKafkaProducer<string?, string?> producer, string customer) => producer.ProduceAsync("orders", customer, "paid");

        var written = Complete(Pay(Producer(), "customer-1"));
        var fake = new FakeProducer();
        var faked = Pay(fake, "customer-2").Result;

        Assert.Equal("orders", written.Topic);
        Assert.Equal(["customer-2"], fake.Keys);
        Assert.Equal(-1, faked.Offset);
    }

    private sealed class FakeProducer : IKafkaProducer<string?, string?>
    {
        public List<string?> Keys { get; } = new();

        public Task<RecordMetadata> ProduceAsync(ProducerRecord<string?, string?> record, CancellationToken cancellationToken = default)
        {
            Keys.Add(record.Key);
            return Task.FromResult(new RecordMetadata(record.Topic, 0, -1, default));
        }

        public Task<RecordMetadata> ProduceAsync(string topic, string? key, string? value, CancellationToken cancellationToken = default) =>
            ProduceAsync(new ProducerRecord<string?, string?>(topic, key, value), cancellationToken);

        public void Send(ProducerRecord<string?, string?> record, Action<DeliveryReport<string?, string?>>? onDelivery = null) => Keys.Add(record.Key);

        public IObservable<DeliveryReport<string?, string?>> Produce(IObservable<ProducerRecord<string?, string?>> records) =>
            records.Select(r => new DeliveryReport<string?, string?>(r, new RecordMetadata(r.Topic, 0, -1, default), null));

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<int> CloseAsync(TimeSpan timeout) => Task.FromResult(0);

        public Task InitTransactionsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void BeginTransaction()
        {
        }

        public Task SendOffsetsToTransactionAsync(IEnumerable<TopicPartitionOffset> offsets, RxKafka.ConsumerGroupMetadata group, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CommitTransactionAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task AbortTransactionAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public IObservable<DeliveryReport<string?, string?>> Transact(IObservable<ProducerRecord<string?, string?>> records) => Produce(records);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public void ProduceAsync_writes_key_value_headers_and_timestamp_and_returns_where()
    {
        var producer = Producer();
        var headers = new Headers { { "trace", [1, 2, 3] }, { "empty", null } };
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        var metadata = Complete(producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", "customer-7", "paid") { Headers = headers, Timestamp = at }));

        var expected = Murmur2.Partition(Encoding.UTF8.GetBytes("customer-7"), 3);
        Assert.Equal(("orders", expected, 0L, at), (metadata.Topic, metadata.Partition, metadata.Offset, metadata.Timestamp));
        var written = Assert.Single(_cluster.Log("orders", expected));
        Assert.Equal(("customer-7", "paid", at.ToUnixTimeMilliseconds()), (written.KeyString, written.ValueString, written.Timestamp));
        Assert.Equal(["trace", "empty"], written.Headers.Select(h => h.Key));
        Assert.Equal([1, 2, 3], written.Headers[0].Value.ToArray());
        Assert.True(written.Headers[1].IsValueNull);
    }

    [Fact]
    public void Keys_go_where_the_Java_client_puts_them_and_nulls_stay_null()
    {
        var producer = Producer();
        var keys = Enumerable.Range(0, 20).Select(i => $"key-{i}").ToList();

        var sent = keys.Select(k => producer.ProduceAsync("orders", k, "v")).ToList();
        var tombstone = producer.ProduceAsync("orders", "gone", null);
        var unkeyed = producer.ProduceAsync("orders", null, "no key");
        _scheduler.AdvanceBy(Second);

        Assert.Equal(keys.Select(k => Murmur2.Partition(Encoding.UTF8.GetBytes(k), 3)), sent.Select(t => t.Result.Partition));
        var stored = _cluster.Log("orders", tombstone.Result.Partition).Single(r => r.KeyString == "gone");
        Assert.Null(stored.Value);
        var noKey = _cluster.Log("orders", unkeyed.Result.Partition).Single(r => r.ValueString == "no key");
        Assert.Null(noKey.Key);
    }

    [Fact]
    public void A_serializer_that_throws_fails_only_its_record()
    {
        var producer = Producer(valueSerializer: new Exploding());
        var good = producer.ProduceAsync("orders", "k1", "fine");
        var bad = producer.ProduceAsync("orders", "k2", "boom");

        var error = Fails<SerializationException>(bad);
        Complete(good);
        Assert.Contains("'orders'", error.Message);
        Assert.DoesNotContain(_cluster.NodeIds.SelectMany(_ => Enumerable.Range(0, 3)).SelectMany(p => _cluster.Log("orders", p)), r => r.ValueString == "boom");
    }

    [Fact]
    public void A_record_over_max_request_size_fails_before_sending_naming_the_limit()
    {
        var producer = Producer(Options with { MaxRequestSize = 1000 });
        var error = Fails<RecordTooLargeException>(producer.ProduceAsync("orders", "k", new string('x', 2000)));
        Assert.Contains("max.request.size (1000 bytes)", error.Message);
        Assert.DoesNotContain(_cluster.Requests, r => r.Request.ApiKey == ApiKey.Produce);
    }

    [Fact]
    public void An_unknown_topic_is_waited_for_and_an_unauthorized_one_fails_with_the_brokers_error()
    {
        var producer = Producer();
        var created = producer.ProduceAsync("fresh", "k", "v");
        Assert.Equal(0, Complete(created, TimeSpan.FromSeconds(5)).Offset);

        _cluster.CreateTopic("secret", 1);
        _cluster.SetTopicError("secret", ErrorCode.TopicAuthorizationFailed);
        Fails<TopicAuthorizationException>(producer.ProduceAsync("secret", "k", "v"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Records_that_waited_for_the_topic_are_not_overtaken_by_records_produced_once_it_is_known()
    {
        // The producer learns "orders" from its first metadata answer. A record produced as that
        // snapshot arrives (here by an observer notified before the waiting records resume) finds
        // the topic known; it must still go after the records that were waiting for it.
        var producer = Producer();
        var sent = new List<Task<RecordMetadata>>();
        using var onArrival = producer.Client.Cluster.Snapshots
            .Where(s => s.Topics.ContainsKey("orders"))
            .Take(1)
            .Subscribe(_ => sent.Add(producer.ProduceAsync("orders", "k", "third")));
        sent.Add(producer.ProduceAsync("orders", "k", "first"));
        sent.Add(producer.ProduceAsync("orders", "k", "second"));

        _scheduler.AdvanceBy(Second);

        Assert.Equal(3, sent.Count);
        var partition = Complete(sent[0]).Partition;
        Assert.Equal(["first", "second", "third"], _cluster.Log("orders", partition).Select(r => r.ValueString));
        Assert.Equal([0L, 1L, 2L], sent.Select(t => Complete(t).Offset));
    }

    [Fact]
    public void Buffer_memory_full_makes_sends_wait_until_batches_complete()
    {
        var producer = Producer(Options with { MaxRequestSize = 600, BufferMemory = 600, BatchSize = 1, Linger = TimeSpan.Zero });
        Complete(producer.ProduceAsync("orders", "warm", "up"));
        _cluster.ResponseDelay = TimeSpan.FromMilliseconds(50);
        var value = new string('x', 200);

        var tasks = Enumerable.Range(0, 4).Select(i => producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", null, value) { Partition = 0 })).ToList();
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        Assert.True(_cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.Produce) <= 3, "records beyond buffer.memory were sent before memory came back");
        Assert.All(tasks, t => Assert.False(t.IsCompleted));

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(tasks.Select(t => t.Result.Offset).Order(), tasks.Select(t => t.Result.Offset));
    }

    [Fact]
    public void A_send_that_waits_past_max_block_ms_for_memory_fails_naming_buffer_memory()
    {
        var producer = Producer(Options with { MaxRequestSize = 600, BufferMemory = 600, MaxBlock = TimeSpan.FromSeconds(2) });
        Complete(producer.ProduceAsync("orders", "warm", "up"));
        _cluster.Handler = (_, request) => request.ApiKey == ApiKey.Produce ? BrokerReply.Silence : null;
        var value = new string('x', 250);
        _ = producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", null, value) { Partition = 0 });
        _ = producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", null, value) { Partition = 0 });

        var blocked = producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", null, value) { Partition = 0 });
        var error = Fails<KafkaException>(blocked, TimeSpan.FromSeconds(3));
        Assert.Contains("buffer.memory (600 bytes) is full", error.Message);
        Assert.Contains("max.block.ms (2000 ms)", error.Message);
    }

    [Fact]
    public void Produce_emits_one_report_per_record_in_order_per_partition_then_completes()
    {
        var producer = Producer();
        var records = Enumerable.Range(0, 30).Select(i => new ProducerRecord<string?, string?>("orders", $"k{i % 5}", $"v{i}")).ToList();
        var reports = new List<DeliveryReport<string?, string?>>();
        var completed = false;

        producer.Produce(records.ToObservable()).Subscribe(reports.Add, () => completed = true);
        _scheduler.AdvanceBy(Second);

        Assert.True(completed);
        Assert.Equal(30, reports.Count);
        Assert.All(reports, r => Assert.True(r.IsDelivered));
        foreach (var partition in reports.GroupBy(r => r.Metadata.Partition))
        {
            Assert.Equal(partition.Select(r => r.Metadata.Offset).Order(), partition.Select(r => r.Metadata.Offset));
            Assert.Equal(partition.Select(r => records.IndexOf(r.Record)).Order(), partition.Select(r => records.IndexOf(r.Record)));
        }
    }

    [Fact]
    public void Produce_reports_a_failure_as_a_report_or_as_OnError_by_option()
    {
        var asReports = Producer(Options with { MaxRequestSize = 1000 });
        var reports = new List<DeliveryReport<string?, string?>>();
        asReports.Produce(Observable.Return(new ProducerRecord<string?, string?>("orders", "k", new string('x', 2000)))).Subscribe(reports.Add);
        _scheduler.AdvanceBy(Second);
        Assert.IsType<RecordTooLargeException>(Assert.Single(reports).Error);

        var asError = Producer(Options with { MaxRequestSize = 1000, DeliveryErrorsAsReports = false });
        Exception? error = null;
        asError.Produce(Observable.Return(new ProducerRecord<string?, string?>("orders", "k", new string('x', 2000)))).Subscribe(_ => { }, e => error = e);
        _scheduler.AdvanceBy(Second);
        Assert.IsType<RecordTooLargeException>(error);
    }

    [Fact]
    public void Send_and_FlushAsync_deliver_everything_sent_before_the_flush()
    {
        var producer = Producer(Options with { Linger = TimeSpan.FromSeconds(30), DeliveryTimeout = TimeSpan.FromMinutes(2) });
        var delivered = 0;
        for (var i = 0; i < 50; i++)
        {
            producer.Send(new ProducerRecord<string?, string?>("orders", $"k{i}", "v"), report => delivered += report.IsDelivered ? 1 : 0);
        }

        var flush = producer.FlushAsync();
        Assert.True(_scheduler.AdvanceUntilCompleted(flush, Second), "flush did not complete long before linger.ms");
        Assert.Equal(50, delivered);
        Assert.Equal(50, Enumerable.Range(0, 3).Sum(p => _cluster.Log("orders", p).Count));
    }

    [Fact]
    public void The_RxKafka_Producer_meter_counts_fire_and_forget_records_delivered_and_failed_by_client_id()
    {
        var producer = Producer(Options with { Client = Options.Client with { ClientId = "meter-test" } });
        long sent = 0, failed = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ProducerInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // Other tests' producers run in parallel: only this one's client.id.
            if (tags.ToArray().Contains(new KeyValuePair<string, object?>("client.id", "meter-test")))
            {
                _ = instrument.Name == ProducerInstruments.RecordsSentName ? Interlocked.Add(ref sent, value) : Interlocked.Add(ref failed, value);
            }
        });
        listener.Start();

        for (var i = 0; i < 40; i++)
        {
            producer.Send(new ProducerRecord<string?, string?>("orders", $"k{i}", "v"));
        }

        producer.Send(new ProducerRecord<string?, string?>("orders", "k", "v") { Partition = 7 });
        Assert.True(_scheduler.AdvanceUntilCompleted(producer.FlushAsync(), Second), "flush did not complete");

        Assert.Equal((40L, 1L), (Interlocked.Read(ref sent), Interlocked.Read(ref failed)));
    }

    [Fact]
    public void S8_close_delivers_what_is_queued_and_reports_what_could_not_be_delivered()
    {
        var producer = Producer();
        var sent = Enumerable.Range(0, 10).Select(i => producer.ProduceAsync("orders", $"k{i}", "v")).ToList();
        var close = producer.CloseAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, Complete(close, TimeSpan.FromSeconds(6)));
        Assert.All(sent, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.IsType<ObjectDisposedException>(producer.ProduceAsync("orders", "late", "v").Exception!.InnerException);

        var stuck = Producer();
        Complete(stuck.ProduceAsync("orders", "warm", "up"));
        foreach (var id in _cluster.NodeIds)
        {
            _cluster.SetBrokerDown(id);
        }

        var lost = Enumerable.Range(0, 3).Select(i => stuck.ProduceAsync(new ProducerRecord<string?, string?>("orders", $"k{i}", "v") { Partition = 1 })).ToList();
        var closing = stuck.CloseAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(3, Complete(closing, TimeSpan.FromSeconds(2)));
        Assert.All(lost, t => Assert.Contains("not delivered", t.Exception!.InnerException!.Message));
    }

    [Fact]
    public async Task S8_in_virtual_time_disposing_a_producer_with_records_pending_completes_without_advancing_the_clock()
    {
        // A failed assertion inside `await using` disposes the producer with no one left to advance the
        // clock: the dispose must not wait on virtual time, or the failure becomes a hung run.
        var pending = new List<Task<RecordMetadata>>();
        var clock = _scheduler.Clock;
        await using (var producer = new KafkaProducer<string?, string?>(Options with { Linger = TimeSpan.FromSeconds(5) }, Serializers.Utf8, Serializers.Utf8))
        {
            pending.Add(producer.ProduceAsync("orders", "k", "waits for metadata"));
            Assert.False(pending[0].IsCompleted);
        }

        var outcome = await Task.WhenAny(pending[0]).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(clock, _scheduler.Clock);
        Assert.True(outcome.IsFaulted, $"the pending record ended {outcome.Status}");
    }

    [Fact]
    public async Task S8_in_virtual_time_disposing_delivers_what_needs_no_time_and_fails_the_rest_at_once()
    {
        var producer = Producer(Options with { Linger = TimeSpan.FromSeconds(5) });
        Complete(producer.ProduceAsync("orders", "warm", "up"), TimeSpan.FromSeconds(6));
        var lingering = producer.ProduceAsync("orders", "k", "lingers");
        foreach (var id in _cluster.NodeIds)
        {
            _cluster.SetBrokerDown(id);
        }

        var stuck = producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", "k2", "v") { Partition = 2 });
        await producer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(lingering.IsCompleted && stuck.IsCompleted, "a record was left pending");
        Assert.Contains("not delivered", stuck.Exception!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S8_every_face_of_a_disposed_producer_refuses_records_with_ObjectDisposedException()
    {
        var producer = Producer();
        var late = new ProducerRecord<string?, string?>("orders", "late", "v");
        var live = new System.Reactive.Subjects.Subject<ProducerRecord<string?, string?>>();
        var reports = _scheduler.CreateObserver<DeliveryReport<string?, string?>>();
        using var subscription = producer.Produce(live).Subscribe(reports);
        Assert.True(_scheduler.AdvanceUntilCompleted(producer.DisposeAsync().AsTask(), Second));

        // Send without a callback used to drop the record silently (issue 11); with one, too.
        Assert.Throws<ObjectDisposedException>(() => producer.Send(late));
        Assert.Throws<ObjectDisposedException>(() => producer.Send(late, _ => Assert.Fail("no report for a record never taken")));
        Assert.IsType<ObjectDisposedException>(producer.ProduceAsync(late).Exception!.InnerException);

        // A stream subscribed before: its next record ends it, and the source is let go.
        live.OnNext(late);
        Assert.IsType<ObjectDisposedException>(Assert.Single(reports.Messages).Value.Exception);
        Assert.False(live.HasObservers);

        // A stream subscribed after.
        var after = _scheduler.CreateObserver<DeliveryReport<string?, string?>>();
        producer.Produce(Observable.Return(late)).Subscribe(after);
        Assert.IsType<ObjectDisposedException>(Assert.Single(after.Messages).Value.Exception);
        Assert.DoesNotContain(_cluster.Log("orders", 0).Concat(_cluster.Log("orders", 1)).Concat(_cluster.Log("orders", 2)), r => r.KeyString == "late");
    }

    [Fact]
    public void A_record_that_waits_past_max_block_ms_for_metadata_names_the_refused_connections()
    {
        var options = Options with { MaxBlock = TimeSpan.FromSeconds(2) };
        foreach (var id in _cluster.NodeIds)
        {
            _cluster.SetBrokerDown(id);
        }

        var producer = Producer(options);
        var error = Fails<KafkaException>(producer.ProduceAsync("orders", "k", "v"), TimeSpan.FromSeconds(5));

        Assert.StartsWith("topic 'orders' was not in the metadata within max.block.ms (2000 ms); the last attempts failed: ", error.Message);
        Assert.Contains("connection refused", error.Message);
        var causes = Assert.IsType<KafkaConnectionException>(error.InnerException);
        Assert.InRange(causes.BrokerErrors.Count, 1, 3);
    }

    [Fact]
    public void Records_that_expire_at_delivery_timeout_ms_name_the_refused_connection_to_their_leader()
    {
        var producer = Producer();
        Complete(producer.ProduceAsync("orders", "warm", "up"));
        foreach (var id in _cluster.NodeIds)
        {
            _cluster.SetBrokerDown(id);
        }

        var error = Fails<KafkaException>(producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", "k", "v") { Partition = 1 }), TimeSpan.FromSeconds(25));

        // Its last attempt to connect to the leader is the cause, named first, not the backoff after it.
        Assert.Contains("(delivery.timeout.ms is 20000 ms); the last attempt failed with: Connection to broker broker-2:9092 failed: connection refused", error.Message);
        Assert.IsAssignableFrom<KafkaConnectionException>(error.InnerException!.InnerException);
    }

    [Fact]
    public void Code_after_an_awaited_ProduceAsync_or_FlushAsync_never_runs_on_the_thread_that_read_the_answer()
    {
        // Found by the 5,000,000-record benchmark: the code after an awaited flush ran on the connection's
        // read loop, its next Send blocked there waiting for buffer memory, and no answer was read again.
        // Here the answers are read on this thread, while it advances virtual time.
        var producer = Producer();
        var reader = Environment.CurrentManagedThreadId;
        Complete(producer.ProduceAsync("orders", "warm", "up"));

        int AfterAwait(Task task)
        {
            using var ran = new ManualResetEventSlim();
            var thread = 0;
            task.ContinueWith(
                _ =>
                {
                    thread = Environment.CurrentManagedThreadId;
                    ran.Set();
                },
                TaskContinuationOptions.ExecuteSynchronously);
            Assert.True(_scheduler.AdvanceUntilCompleted(task, Second), "the task did not complete in virtual time");
            Assert.True(ran.Wait(TimeSpan.FromSeconds(10)), "the continuation never ran");
            return thread;
        }

        Assert.NotEqual(reader, AfterAwait(producer.ProduceAsync("orders", "k", "v")));
        producer.Send(new ProducerRecord<string?, string?>("orders", "k", "fire"));
        Assert.NotEqual(reader, AfterAwait(producer.FlushAsync()));
    }

    [Fact]
    public void Metrics_count_records_sent_failed_and_retried_per_client_on_the_RxKafka_Producer_meter()
    {
        var clientId = "producer-metrics-" + Guid.NewGuid().ToString("N");
        var counts = new Dictionary<string, long>();
        var histograms = new HashSet<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "RxKafka.Producer")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        bool Ours(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "client.id" && (string?)tag.Value == clientId)
                {
                    return true;
                }
            }

            return false;
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Ours(tags))
            {
                counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, _, tags, _) =>
        {
            if (Ours(tags))
            {
                histograms.Add(instrument.Name);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (Ours(tags))
            {
                histograms.Add(instrument.Name);
            }
        });
        listener.Start();

        var producer = Producer(Options with { Client = Options.Client with { ClientId = clientId }, MaxRequestSize = 1000 });
        Complete(producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", "k", "first") { Partition = 0 }));
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower);
        var sent = Enumerable.Range(0, 4).Select(i => producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", $"k{i}", "v") { Partition = 0 })).ToList();
        var tooLarge = producer.ProduceAsync("orders", "k", new string('x', 2000));
        _scheduler.AdvanceBy(Second);
        listener.RecordObservableInstruments();

        Assert.All(sent, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.True(tooLarge.IsFaulted);
        Assert.Equal(5, counts["rxkafka.producer.records.sent"]);
        Assert.Equal(4, counts["rxkafka.producer.records.retried"]);
        Assert.Equal(1, counts["rxkafka.producer.records.failed"]);
        Assert.Contains("rxkafka.producer.batch.size", histograms);
        Assert.Contains("rxkafka.producer.compression.ratio", histograms);
        Assert.Contains("rxkafka.producer.request.latency", histograms);
        Assert.Equal(0, counts.GetValueOrDefault("rxkafka.producer.buffer.used")); // all memory given back
    }

    [Fact]
    public void Send_without_a_callback_allocates_nothing_per_record()
    {
        var options = Options with
        {
            BatchSize = 16 * 1024 * 1024,
            MaxRequestSize = 32 * 1024 * 1024,
            BufferMemory = 256L * 1024 * 1024,
            Linger = TimeSpan.FromHours(1),
            DeliveryTimeout = TimeSpan.FromHours(2),
        };
        var producer = new KafkaProducer<byte[]?, byte[]?>(options, Serializers.ByteArray, Serializers.ByteArray);
        try
        {
            Assert.True(_scheduler.AdvanceUntilCompleted(producer.Client.BootstrapAsync(), Second));
            var value = new byte[100];
            var keyed = Enumerable.Range(0, 5_000).Select(i => new ProducerRecord<byte[]?, byte[]?>("orders", BitConverter.GetBytes(i), value)).ToArray();
            var unkeyed = Enumerable.Range(0, 5_000).Select(_ => new ProducerRecord<byte[]?, byte[]?>("orders", null, value)).ToArray();
            var explicitPartition = Enumerable.Range(0, 5_000).Select(_ => new ProducerRecord<byte[]?, byte[]?>("orders", null, value) { Partition = 1 }).ToArray();

            // Rounds, because tiered compilation may allocate once while it recompiles a hot method;
            // a real per-record allocation shows in every round (5,000 records: at least 5,000 × 24 bytes).
            var fewest = long.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                foreach (var records in new[] { keyed, unkeyed, explicitPartition })
                {
                    foreach (var record in records)
                    {
                        producer.Send(record);
                    }
                }

                fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(fewest < 1_000, $"{fewest} bytes allocated for 15,000 sends in the best round");
        }
        finally
        {
            var close = producer.CloseAsync(TimeSpan.Zero);
            _scheduler.AdvanceUntilCompleted(close, Second);
        }
    }

    public ValueTask DisposeAsync()
    {
        // Closing waits on the scheduler: drive it.
        foreach (var producer in _producers)
        {
            var close = producer.CloseAsync(TimeSpan.Zero);
            _scheduler.AdvanceUntilCompleted(close, TimeSpan.FromSeconds(1));
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Exploding : ISerializer<string?>
    {
        public void Serialize(string? value, System.Buffers.IBufferWriter<byte> output, in SerializationContext context)
        {
            if (value == "boom")
            {
                throw new InvalidOperationException("cannot write boom");
            }

            Serializers.Utf8.Serialize(value, output, context);
        }
    }
}
