using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace RxKafka.IntegrationTests.Support;

/// <summary>
/// Keeps every log line of a client or producer (from <paramref name="minimum"/> up), with the time
/// since it was made, so a failing test can show what happened.
/// </summary>
internal sealed class RecordingLoggerFactory(LogLevel minimum = LogLevel.Debug) : ILoggerFactory
{
    private readonly LogLevel _minimum = minimum;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The last <paramref name="count"/> lines, one per line.</summary>
    public string Tail(int count = 200) => string.Join('\n', _lines.TakeLast(count));

    /// <summary>Completes when a line logged from now on matches <paramref name="match"/> (the client's own report of an event).</summary>
    public Task WhenLogged(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((match, seen));
        }

        return seen.Task;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Notify(string line)
    {
        List<TaskCompletionSource>? seen = null;
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    (seen ??= []).Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        seen?.ForEach(s => s.TrySetResult());
    }

    private sealed class Logger(RecordingLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var line = $"{factory._clock.Elapsed.TotalMilliseconds,9:0.0} ms {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.Message)}";
                factory._lines.Enqueue(line);
                factory.Notify(line);
            }
        }
    }
}
