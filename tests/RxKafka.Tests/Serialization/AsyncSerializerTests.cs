using System.Buffers;
using Microsoft.Reactive.Testing;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>
/// A synchronous serializer seen as an asynchronous one: inline it completes at once; on a scheduler
/// it runs there and only there (I4: CPU-heavy serialization off the caller), proved in virtual time.
/// </summary>
public sealed class AsyncSerializerTests
{
    [Fact]
    public async Task Inline_it_completes_at_once_with_the_same_bytes_and_keeps_nulls()
    {
        var serializer = Serializers.ToAsync(Serializers.Utf8);

        var bytes = serializer.SerializeAsync("héllo", Context(), CancellationToken.None);
        var tombstone = serializer.SerializeAsync(null, Context(), CancellationToken.None);

        Assert.True(bytes.IsCompletedSuccessfully);
        Assert.Equal(Write(Serializers.Utf8, "héllo"), (await bytes)!.Value.ToArray());
        Assert.True(tombstone.IsCompletedSuccessfully);
        Assert.Null(await tombstone);
        Assert.Equal(0, (await Serializers.ToAsync(Serializers.ByteArray).SerializeAsync([], Context(), CancellationToken.None))!.Value.Length);
    }

    [Fact]
    public async Task I4_on_a_scheduler_serialization_waits_for_the_scheduler_and_runs_there()
    {
        var scheduler = new TestScheduler();
        var counting = new CountingSerializer();
        var headers = new Headers();

        var pending = Serializers.ToAsync(counting, scheduler).SerializeAsync(7, Context(MessageComponentType.Key, headers), CancellationToken.None).AsTask();

        Assert.False(pending.IsCompleted);
        Assert.Equal(0, counting.Calls);

        scheduler.AdvanceBy(1);

        Assert.Equal(1, counting.Calls);
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal("00000007", Convert.ToHexString((await pending)!.Value.Span));
        Assert.True(headers.TryGetLast("serialized-by", out _)); // the record's headers travel with the work
    }

    [Fact]
    public void Cancelling_before_the_work_starts_unqueues_it()
    {
        var scheduler = new TestScheduler();
        var counting = new CountingSerializer();
        using var cancellation = new CancellationTokenSource();

        var pending = Serializers.ToAsync(counting, scheduler).SerializeAsync(7, Context(), cancellation.Token).AsTask();
        cancellation.Cancel();
        scheduler.AdvanceBy(10);

        Assert.True(pending.IsCanceled);
        Assert.Equal(0, counting.Calls);
    }

    [Fact]
    public void An_already_cancelled_token_does_not_serialize()
    {
        var counting = new CountingSerializer();

        var inline = Serializers.ToAsync(counting).SerializeAsync(1, Context(), new CancellationToken(canceled: true));
        var scheduled = Serializers.ToAsync(counting, new TestScheduler()).SerializeAsync(1, Context(), new CancellationToken(canceled: true));

        Assert.True(inline.IsCanceled);
        Assert.True(scheduled.IsCanceled);
        Assert.Equal(0, counting.Calls);
    }

    [Fact]
    public async Task A_failing_serializer_fails_the_task_not_the_caller()
    {
        var scheduler = new TestScheduler();
        var failing = new FailingSerializer();

        var inline = Serializers.ToAsync(failing).SerializeAsync(1, Context(), CancellationToken.None);
        var scheduled = Serializers.ToAsync(failing, scheduler).SerializeAsync(1, Context(), CancellationToken.None).AsTask();
        scheduler.AdvanceBy(1);

        Assert.True(inline.IsFaulted);
        await Assert.ThrowsAsync<SerializationException>(async () => await inline);
        await Assert.ThrowsAsync<SerializationException>(() => scheduled);
    }

    private sealed class CountingSerializer : ISerializer<int>
    {
        public int Calls { get; private set; }

        public void Serialize(int value, IBufferWriter<byte> output, in SerializationContext context)
        {
            Calls++;
            context.Headers.Add("serialized-by", [1]);
            Serializers.Int32.Serialize(value, output, context);
        }
    }

    private sealed class FailingSerializer : ISerializer<int>
    {
        public void Serialize(int value, IBufferWriter<byte> output, in SerializationContext context) =>
            throw new SerializationException(context, "cannot");
    }
}
