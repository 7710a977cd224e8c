namespace RxKafka.Testing.Network;

// The leader epochs of a partition log, as Kafka's LeaderEpochFileCache keeps them (each epoch starts at the
// base offset of its first batch; a leader elected with nothing appended yet starts its epoch at the log end),
// and truncation by an unclean leader election.
internal sealed partial class ScriptedPartitionLog
{
    /// <summary>
    /// KIP-279/320: the end offset of <paramref name="requestedEpoch"/> on a leader at <paramref name="currentEpoch"/>:
    /// the largest epoch of the log not above the one asked for, and the start offset of the first epoch after it
    /// (the log end offset for the current epoch). Below every epoch: -1 and the log start offset.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int requestedEpoch, int currentEpoch)
    {
        if (requestedEpoch < 0)
        {
            return (-1, -1);
        }

        if (requestedEpoch >= currentEpoch)
        {
            return (currentEpoch, LogEndOffset);
        }

        var starts = EpochStarts(currentEpoch);
        var floor = starts.FindLast(s => s.Epoch <= requestedEpoch);
        var next = starts.FindIndex(s => s.Epoch > requestedEpoch);
        return starts.TrueForAll(s => s.Epoch > requestedEpoch) ? (-1, LogStartOffset) : (floor.Epoch, next < 0 ? LogEndOffset : starts[next].Start);
    }

    /// <summary>
    /// Drops every batch from the one holding <paramref name="offset"/> on, as a replica elected uncleanly
    /// (out of sync) serves a log that ends earlier; returns the new log end offset (a batch boundary).
    /// Producer and transaction state are kept as they were: tests truncate plain records.
    /// </summary>
    public long TruncateTo(long offset)
    {
        var index = BatchIndexOf(Math.Max(offset, LogStartOffset));
        if (index >= _batches.Count)
        {
            return LogEndOffset;
        }

        var end = _batches[index].BaseOffset;
        _batches.RemoveRange(index, _batches.Count - index);
        _served.RemoveRange(index, _served.Count - index);
        _records.RemoveAll(r => r.Offset >= end);
        LogEndOffset = end;
        return end;
    }

    private List<(int Epoch, long Start)> EpochStarts(int currentEpoch)
    {
        var starts = new List<(int Epoch, long Start)>();
        for (var i = 0; i < _batches.Count; i++)
        {
            var epoch = _served[i].LeaderEpoch;
            if (starts.Count == 0 || starts[^1].Epoch < epoch)
            {
                starts.Add((epoch, _batches[i].BaseOffset));
            }
        }

        if (starts.Count == 0 || starts[^1].Epoch < currentEpoch)
        {
            starts.Add((currentEpoch, LogEndOffset));
        }

        return starts;
    }
}
