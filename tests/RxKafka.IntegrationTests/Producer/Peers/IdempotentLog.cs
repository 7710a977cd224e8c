using System.Text;
using RxKafka.Producer;
using RxKafka.Protocol.Records;

namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>
/// Checks a topic written by one idempotent producer the way a Kafka broker would have kept it.
/// </summary>
/// <remarks>
/// librdkafka's mock checks producer ids, epochs and sequence numbers only for transactional
/// producers (rd_kafka_mock_validate_records returns early without a transactional id, in 2.0.2 and
/// 2.15.x alike). For an idempotent producer it appends every batch it is sent: a batch re-sent
/// after a lost answer is appended twice (a broker answers DUPLICATE_SEQUENCE_NUMBER and keeps one),
/// and when one request of several in flight fails, the later ones' batches are appended before
/// the failed batch is sent again (a broker refuses them with OUT_OF_ORDER_SEQUENCE_NUMBER until the
/// gap is filled, and the producer sends them again in order). So the mock's log order is not the
/// order a broker enforces. What a broker keeps is each (partition, epoch)'s batches in sequence
/// order, each sequence once, with no gap. This class rebuilds that log from the stored batches'
/// producer fields and checks it, and checks what only the producer decides: sequences numbered
/// without gaps or overlaps, a re-sent batch identical to the first, every acknowledged record at the
/// offset it was acknowledged with and once in the broker's log, per-key order in that log.
/// </remarks>
internal static class IdempotentLog
{
    public sealed record Verdict(IReadOnlyList<string> Problems, string Summary);

    /// <param name="peerRead">The topic as a peer client read it, in log order.</param>
    /// <param name="batches">The same topic's stored batches (raw Fetch), in log order.</param>
    /// <param name="acknowledged">Values the producer said were written, with where.</param>
    /// <param name="failed">Values the producer said were not written (they may be there at most once).</param>
    /// <param name="sequenceOf">A value's position in its key's order.</param>
    public static Verdict Verify(
        IReadOnlyList<PeerRecord> peerRead,
        IReadOnlyList<FetchedBatch> batches,
        IReadOnlyDictionary<string, RecordMetadata> acknowledged,
        IReadOnlySet<string> failed,
        Func<string, int> sequenceOf)
    {
        var problems = new List<string>();
        var stored = batches.SelectMany(b => b.Records).ToList();

        // The peer and RxKafka's reader see the same log.
        if (peerRead.Count != stored.Count)
        {
            problems.Add($"the peer read {peerRead.Count} records, raw Fetch {stored.Count}");
        }

        for (var i = 0; i < Math.Min(peerRead.Count, stored.Count); i++)
        {
            if (peerRead[i].ToString() != stored[i].ToString())
            {
                problems.Add($"record {i}: the peer read {peerRead[i]}, raw Fetch {stored[i]}");
                break;
            }
        }

        // Acknowledged offsets point at the record (in the mock's log, where they were appended).
        var atPosition = stored.ToDictionary(r => (r.Partition, r.Offset), r => Text(r.Value));
        foreach (var (value, metadata) in acknowledged)
        {
            if (!atPosition.TryGetValue((metadata.Partition, metadata.Offset), out var there) || there != value)
            {
                problems.Add($"{value} was acknowledged at {metadata} but the log has {there ?? "nothing"} there");
            }
        }

        var rebuilt = Rebuild(batches);
        problems.AddRange(rebuilt.Problems);
        var brokerLog = rebuilt.Log;

        // In the broker's log: each acknowledged record once, failed ones at most once, and per-key order.
        var copies = new Dictionary<string, int>();
        var lastOfKey = new Dictionary<string, int>();
        var orderBroken = 0;
        foreach (var value in brokerLog)
        {
            copies[value] = copies.GetValueOrDefault(value) + 1;
            var key = value[..value.IndexOf(':', StringComparison.Ordinal)];
            var sequence = sequenceOf(value);
            if (lastOfKey.TryGetValue(key, out var last) && last >= sequence)
            {
                if (orderBroken++ < 10)
                {
                    problems.Add($"{key}: {value} comes after sequence {last} in sequence order");
                }
            }

            lastOfKey[key] = sequence;
        }

        foreach (var value in acknowledged.Keys.Where(v => copies.GetValueOrDefault(v) != 1))
        {
            problems.Add($"acknowledged {value} is in the log {copies.GetValueOrDefault(value)} times (in sequence order, duplicates of a re-sent batch dropped)");
        }

        foreach (var (value, count) in copies)
        {
            if (!acknowledged.ContainsKey(value) && !(failed.Contains(value) && count == 1))
            {
                problems.Add($"{value} is in the log {count} times but was {(failed.Contains(value) ? "reported failed" : "never produced")}");
            }
        }

        var summary = $"{batches.Count} batches; the mock appended {rebuilt.DuplicateBatches} re-sent batch(es) again ({rebuilt.DuplicateRecords} records) "
            + $"and {rebuilt.AppendedOutOfOrder} batch(es) after a later sequence, which a broker's sequence checks would have prevented";
        return new Verdict(problems, summary);
    }

    /// <summary>What a broker keeps of one idempotent producer's batches.</summary>
    /// <param name="Problems">Sequence numbering a broker would refuse, or re-sent batches that differ from the first send.</param>
    /// <param name="Log">The values in the broker's order: partition by partition, epoch by epoch, batches in sequence order, each sequence once.</param>
    /// <param name="DuplicateBatches">Batches the mock appended again (a broker answers DUPLICATE_SEQUENCE_NUMBER).</param>
    /// <param name="DuplicateRecords">Their records.</param>
    /// <param name="AppendedOutOfOrder">Batches the mock appended after a later sequence (a broker answers OUT_OF_ORDER_SEQUENCE_NUMBER).</param>
    public sealed record Rebuilt(IReadOnlyList<string> Problems, IReadOnlyList<string> Log, int DuplicateBatches, int DuplicateRecords, int AppendedOutOfOrder);

    /// <summary>
    /// Rebuilds each partition's log as a broker keeps it: per epoch, batches in sequence order, each
    /// sequence once, numbered from 0 without gap or overlap.
    /// </summary>
    public static Rebuilt Rebuild(IReadOnlyList<FetchedBatch> batches)
    {
        var problems = new List<string>();
        var duplicateBatches = 0;
        var duplicateRecords = 0;
        var appendedOutOfOrder = 0;
        var brokerLog = new List<string>();
        foreach (var partition in batches.GroupBy(b => b.Partition).OrderBy(g => g.Key))
        {
            if (partition.Select(b => b.ProducerId).Distinct().ToList() is { Count: > 1 } ids)
            {
                problems.Add($"partition {partition.Key} has batches of producer ids {string.Join(", ", ids)}: one idempotent producer wrote it");
            }

            foreach (var epoch in partition.GroupBy(b => b.ProducerEpoch).OrderBy(g => g.Key))
            {
                var bySequence = new SortedDictionary<int, FetchedBatch>();
                var highest = -1;
                foreach (var batch in epoch)
                {
                    if (batch.ProducerId < 0 || batch.BaseSequence < 0)
                    {
                        problems.Add($"batch at {batch.Partition}@{batch.BaseOffset} has no producer id or sequence (idempotence is on)");
                        continue;
                    }

                    if (bySequence.TryGetValue(batch.BaseSequence, out var first))
                    {
                        if (!Values(first).SequenceEqual(Values(batch)))
                        {
                            problems.Add($"partition {batch.Partition} epoch {batch.ProducerEpoch}: sequence {batch.BaseSequence} is on two different batches, at {first.BaseOffset} and {batch.BaseOffset}");
                        }

                        duplicateBatches++;
                        duplicateRecords += batch.RecordCount;
                        continue;
                    }

                    if (batch.BaseSequence < highest)
                    {
                        appendedOutOfOrder++;
                    }

                    highest = Math.Max(highest, batch.BaseSequence);
                    bySequence.Add(batch.BaseSequence, batch);
                }

                var expected = 0;
                foreach (var (sequence, batch) in bySequence)
                {
                    if (sequence != expected)
                    {
                        problems.Add($"partition {batch.Partition} epoch {batch.ProducerEpoch}: expected sequence {expected}, the next batch (at {batch.BaseOffset}) has {sequence}: {(sequence > expected ? "a gap a broker would never fill" : "overlapping sequences")}");
                    }

                    expected = sequence + batch.RecordCount;
                    brokerLog.AddRange(Values(batch));
                }
            }
        }

        return new Rebuilt(problems, brokerLog, duplicateBatches, duplicateRecords, appendedOutOfOrder);
    }

    private static IEnumerable<string> Values(FetchedBatch batch) => batch.Records.Select(r => Text(r.Value)!);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
