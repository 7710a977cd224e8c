namespace RxKafka.Protocol.Records;

/// <summary>The type of a control record (the int16 after the version in its key).</summary>
public enum ControlRecordType : short
{
    /// <summary>Marks the end of an aborted transaction.</summary>
    Abort = 0,

    /// <summary>Marks the end of a committed transaction.</summary>
    Commit = 1,
}
