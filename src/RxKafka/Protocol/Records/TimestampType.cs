namespace RxKafka.Protocol.Records;

/// <summary>What a record's timestamp means (record batch attribute bit 3).</summary>
public enum TimestampType : sbyte
{
    /// <summary>No timestamp: magic 0 messages carry none.</summary>
    NotAvailable = -1,

    /// <summary>The producer set the timestamp when it created the record.</summary>
    CreateTime = 0,

    /// <summary>The broker set the timestamp when it appended the batch to the log.</summary>
    LogAppendTime = 1,
}
