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

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The last <paramref name="count"/> lines, one per line.</summary>
    public string Tail(int count = 200) => string.Join('\n', _lines.TakeLast(count));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
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
                factory._lines.Enqueue($"{factory._clock.Elapsed.TotalMilliseconds,9:0.0} ms {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.Message)}");
            }
        }
    }
}
