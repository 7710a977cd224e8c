using System.Reactive.Linq;
using RxKafka.Testing;

namespace RxKafka.Tests.Docs;

/// <summary>The example in docs/testing-in-virtual-time.md, kept identical so the document stays true.</summary>
public sealed class TestingInVirtualTimeDocTests : ReactiveTest
{
    [Fact]
    public void Throttle_emits_after_a_quiet_period()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(
            OnNext(210, 1), OnNext(220, 2), OnNext(400, 3), OnCompleted<int>(500));

        // Created at 100, subscribed at 200, disposed at 1000 (the usual defaults).
        var results = scheduler.Start(() => source.Throttle(TimeSpan.FromTicks(50), scheduler));

        results.Messages.AssertEqual(OnNext(270, 2), OnNext(450, 3), OnCompleted<int>(500));
        source.Subscriptions.AssertEqual(Subscribe(200, 500));
    }

    [Fact]
    public void The_document_holds_the_same_example()
    {
        var doc = File.ReadAllText(Path.Combine(RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory), "docs", "testing-in-virtual-time.md"));
        var source = File.ReadAllText(Path.Combine(RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory), "tests", "RxKafka.Tests", "Docs", "TestingInVirtualTimeDocTests.cs"));
        string Body(string text)
        {
            var start = text.IndexOf("        var scheduler = new TestScheduler();", StringComparison.Ordinal);
            var end = text.IndexOf("Subscribe(200, 500));", start, StringComparison.Ordinal);
            return text[start..end];
        }

        Assert.Equal(Body(source), Body(doc));
    }
}
