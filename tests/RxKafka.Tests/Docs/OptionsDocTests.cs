using System.Globalization;
using System.Reflection;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Network.Transports;
using RxKafka.Producer;
using RxKafka.Protocol;

namespace RxKafka.Tests.Docs;

/// <summary>
/// docs/options.md stays true: every public setting of the options records has a row, and every
/// row's default is the record's real one (which comes from KafkaDefaults or ProducerDefaults, where each default is written once).
/// </summary>
public sealed class OptionsDocTests
{
    private static readonly Type[] Records = [typeof(KafkaClientOptions), typeof(ProducerOptions), typeof(SocketOptions)];

    [Fact]
    public void Every_public_setting_has_a_row()
    {
        var rows = Rows();
        var settings = Records.SelectMany(t => Settings(t).Select(p => $"{t.Name}.{p.Name}"));

        var missing = settings.Where(s => !rows.ContainsKey(s)).ToList();
        var extra = rows.Keys.Where(r => !settings.Contains(r)).ToList();

        Assert.True(missing.Count == 0, $"docs/options.md has no row for {string.Join(", ", missing)}");
        Assert.True(extra.Count == 0, $"docs/options.md has rows for {string.Join(", ", extra)}, which are not public settings");
    }

    [Fact]
    public void Every_default_in_the_table_is_the_records_real_default()
    {
        var rows = Rows();
        var checkedCount = 0;
        foreach (var record in Records)
        {
            var instance = Activator.CreateInstance(record)!;
            foreach (var property in Settings(record))
            {
                if (Format(property.GetValue(instance)) is not { } expected)
                {
                    continue; // an object (scheduler, TLS options, ...): the row describes it in words
                }

                // A cell may explain itself after a colon ("none: Random.Shared").
                var cell = rows[$"{record.Name}.{property.Name}"].Default.Replace("`", "", StringComparison.Ordinal).Split(':')[0];
                Assert.True(expected == cell, $"docs/options.md says {record.Name}.{property.Name} defaults to '{cell}'; it is '{expected}'");
                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 40, $"only {checkedCount} defaults were compared");
    }

    [Fact]
    public void Defaults_are_written_once_the_records_and_the_layers_below_agree()
    {
        var client = new KafkaClientOptions();
        var connection = client.ToConnectionOptions();

        // One request timeout: the connection's is the client's, the producer has none of its own.
        Assert.Equal(KafkaDefaults.RequestTimeout, client.RequestTimeout);
        Assert.Equal(client.RequestTimeout, connection.RequestTimeout);
        Assert.Null(typeof(ProducerOptions).GetProperty("RequestTimeout"));
        // max.request.size is the producer's only.
        Assert.Null(typeof(KafkaClientOptions).GetProperty("MaxRequestSize"));
        Assert.Equal(ProducerDefaults.MaxRequestSize, new ProducerOptions().MaxRequestSize);
        // Idle and setup timeouts, frame size: derived, same defaults.
        Assert.Equal(client.ConnectionsMaxIdle, connection.MaxIdle);
        Assert.Equal(client.ConnectionSetupTimeout, connection.SetupTimeout);
        Assert.Equal(client.MaxFrameSize, connection.MaxFrameSize);
        Assert.Equal(new ConnectionOptions(), connection);
        // The socket's connect timeout is the client's setting, not a second public one.
        Assert.Equal(client.SocketConnectionSetupTimeout, SocketOptions.Default.ConnectTimeout);
        Assert.Null(typeof(SocketOptions).GetProperty("ConnectTimeout", BindingFlags.Public | BindingFlags.Instance));
        Assert.Null(typeof(SocketOptions).GetProperty("Scheduler", BindingFlags.Public | BindingFlags.Instance));
        Assert.False(typeof(ConnectionOptions).IsPublic);
    }

    [Fact]
    public void A_shared_clients_connect_timeout_and_scheduler_reach_the_socket()
    {
        var scheduler = new TestScheduler();
        var options = new KafkaClientOptions { SocketConnectionSetupTimeout = TimeSpan.FromSeconds(4), Scheduler = scheduler };

        var socket = Assert.IsType<SocketTransportFactory>(options.CreateTransportFactory()).Options;

        Assert.Equal(TimeSpan.FromSeconds(4), socket.ConnectTimeout);
        Assert.Same(scheduler, socket.Scheduler);
    }

    private static IEnumerable<PropertyInfo> Settings(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.Name != "EqualityContract");

    // The table cell for a default, or null for objects the table describes in words.
    private static string? Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        string s => s,
        TimeSpan t when t == Timeout.InfiniteTimeSpan => "never",
        TimeSpan t when t < TimeSpan.FromSeconds(1) => $"{t.TotalMilliseconds:0} ms",
        TimeSpan t when t.TotalMinutes == Math.Floor(t.TotalMinutes) => $"{t.TotalMinutes:0} min",
        TimeSpan t => $"{t.TotalSeconds:0.###} s",
        int i => Bytes(i),
        long l => Bytes(l),
        double d => d.ToString(CultureInfo.InvariantCulture),
        Acks a => a == Acks.All ? "all" : ((short)a).ToString(CultureInfo.InvariantCulture),
        CompressionType c => c.ToString().ToLowerInvariant(),
        Partitioner p => p.ToConfigValue(),
        SecurityProtocol p => p.ToConfigValue(),
        System.Collections.ICollection { Count: 0 } => "none",
        _ => null,
    };

    private static string Bytes(long n) => n switch
    {
        >= 1024 * 1024 when n % (1024 * 1024) == 0 => $"{n / (1024 * 1024)} MiB",
        >= 1024 when n % 1024 == 0 => $"{n / 1024} KiB",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    // "Record.Property" -> the row's cells, from the tables of docs/options.md.
    private static Dictionary<string, (string ConfigName, string Default, string UsedBy)> Rows()
    {
        var path = Path.Combine(RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory), "docs", "options.md");
        var rows = new Dictionary<string, (string, string, string)>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length == 6 && cells[1].StartsWith('`') && Records.Any(r => cells[1].StartsWith($"`{r.Name}.", StringComparison.Ordinal)))
            {
                Assert.True(rows.TryAdd(cells[1].Trim('`'), (cells[2], cells[3], cells[4])), $"two rows for {cells[1]}");
            }
        }

        return rows;
    }
}
