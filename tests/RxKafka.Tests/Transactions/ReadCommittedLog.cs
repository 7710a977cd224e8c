using RxKafka.Testing.Network;

namespace RxKafka.Tests.Transactions;

/// <summary>What a read_committed reader gets from a partition of the in-memory cluster, read off its batches and markers.</summary>
internal static class ReadCommittedLog
{
    /// <summary>
    /// The values of records of no transaction, and of transactions whose marker is a commit; none of an aborted
    /// transaction, none of one still open.
    /// </summary>
    public static List<string?> Values(ScriptedCluster cluster, string topic, int partition)
    {
        var batches = cluster.Batches(topic, partition);
        var values = new List<string?>();
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            if (batch.IsControl)
            {
                continue;
            }

            var marker = batch.IsTransactional ? batches.Skip(i + 1).FirstOrDefault(b => b.IsControl && b.ProducerId == batch.ProducerId) : null;
            // A control record's key: version (int16), then type (int16: 0 abort, 1 commit).
            if (!batch.IsTransactional || (marker is not null && marker.Records[0].Key is [_, _, 0, 1]))
            {
                values.AddRange(batch.Records.Select(r => r.ValueString));
            }
        }

        return values;
    }
}
