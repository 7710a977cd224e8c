namespace RxKafka.Consumer;

/// <summary>
/// Where a consumer starts in a partition that has no committed offset, or whose position the broker no
/// longer has (<c>auto.offset.reset</c>, OFFSET_OUT_OF_RANGE).
/// </summary>
public enum AutoOffsetReset
{
    /// <summary>At the log end: only records written from now on (<c>latest</c>, the default).</summary>
    Latest,

    /// <summary>At the log start: every record the broker still has (<c>earliest</c>).</summary>
    Earliest,

    /// <summary>Nowhere: the partition fails with a <see cref="ConsumeException"/> naming it (<c>none</c>, or librdkafka's <c>error</c>).</summary>
    None,
}
