using System.Collections.Frozen;

namespace RxKafka;

/// <summary>
/// Every Kafka config name some RxKafka layer reads, by layer. It lives in core, as plain names, so that
/// each <c>FromConfig</c> can tell a misspelt name (an error naming the nearest known one) from a name
/// that belongs to another layer (a client built from a producer's settings passes over <c>linger.ms</c>)
/// without the layers knowing each other. <c>ConfigNamesTests</c> checks these sets against the names
/// the layers actually read.
/// </summary>
internal static class ConfigNames
{
    /// <summary>What <c>KafkaClientOptions.FromConfig</c> reads: the client, its sockets, TLS and SASL.</summary>
    public static readonly FrozenSet<string> Client = FrozenSet.ToFrozenSet(
    [
        "bootstrap.servers", "client.id", "metadata.max.age.ms", "request.timeout.ms",
        "retry.backoff.ms", "retry.backoff.max.ms", "reconnect.backoff.ms", "reconnect.backoff.max.ms",
        "connections.max.idle.ms", "socket.connection.setup.timeout.ms", "security.protocol",
        "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "send.buffer.bytes", "receive.buffer.bytes",
        "socket.keepalive.enable", "socket.nagle.disable", "allow.auto.create.topics", "api.version",
        "receive.message.max.bytes",
        "rxkafka.backoff.jitter", "rxkafka.connection.setup.timeout.ms", "rxkafka.metadata.all.topics",
        "rxkafka.connections.by.workload",
        "ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.key.password",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type",
        "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type",
        "ssl.endpoint.identification.algorithm", "ssl.enabled.protocols",
        "sasl.mechanism", "sasl.mechanisms", "sasl.username", "sasl.password", "sasl.kerberos.service.name",
        "enable.sasl.oauthbearer.unsecure.jwt", "sasl.oauthbearer.config",
    ]);

    /// <summary>What <c>ProducerOptions.FromConfig</c> reads besides the client's names.</summary>
    public static readonly FrozenSet<string> Producer = FrozenSet.ToFrozenSet(
    [
        "acks", "linger.ms", "batch.size", "compression.type", "compression.level",
        "max.in.flight.requests.per.connection", "max.request.size", "buffer.memory", "max.block.ms",
        "delivery.timeout.ms", "retries", "enable.idempotence", "transactional.id", "transaction.timeout.ms",
        "partitioner", "rxkafka.delivery.errors.as.reports",
    ]);

    /// <summary>What <c>ConsumerOptions.FromConfig</c> reads besides the client's names.</summary>
    public static readonly FrozenSet<string> Consumer = FrozenSet.ToFrozenSet(
    [
        "group.id", "fetch.min.bytes", "fetch.max.bytes", "max.partition.fetch.bytes", "fetch.max.wait.ms",
        "fetch.wait.max.ms", "auto.offset.reset", "isolation.level", "check.crcs", "enable.partition.eof",
        "queued.max.messages.kbytes", "enable.auto.commit", "auto.commit.interval.ms", "client.rack",
        "group.instance.id", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
        "partition.assignment.strategy", "group.protocol", "group.remote.assignor", "enable.auto.offset.store",
        "rxkafka.max.pending.acknowledgements",
    ]);

    /// <summary>Every name any layer reads.</summary>
    public static readonly FrozenSet<string> All = FrozenSet.ToFrozenSet(Client.Concat(Producer).Concat(Consumer));

    /// <summary>
    /// Throws for the first name no layer reads, unless <paramref name="ignoreUnknown"/>: a misspelt
    /// name would otherwise be dropped without a word, and the setting silently left at its default.
    /// </summary>
    /// <exception cref="KafkaConfigException">The name, and the nearest known one when there is a close one.</exception>
    public static void CheckKnown(IEnumerable<string> names, bool ignoreUnknown)
    {
        if (ignoreUnknown)
        {
            return;
        }

        foreach (var name in names)
        {
            if (!All.Contains(name))
            {
                var hint = Nearest(name) is { } nearest ? $"; did you mean '{nearest}'?" : ".";
                throw new KafkaConfigException(name, $"RxKafka reads no setting of that name{hint} (ignoreUnknown: true passes over names meant for other clients)");
            }
        }
    }

    /// <summary>The known name closest to <paramref name="name"/> by edit distance, if it is close enough to be a slip.</summary>
    internal static string? Nearest(string name)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in All.Order(StringComparer.Ordinal))
        {
            var distance = EditDistance(name.ToLowerInvariant(), known);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (known, distance);
            }
        }

        // A third of the name may differ: "linger.msec" is linger.ms, "colour" is nothing.
        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    // Levenshtein distance with adjacent transpositions (optimal string alignment): "metdata" is one slip.
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
