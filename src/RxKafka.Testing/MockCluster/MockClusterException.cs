namespace RxKafka.Testing.MockCluster;

/// <summary>
/// A librdkafka mock-cluster call failed: the message names the C function, its arguments, the
/// librdkafka build and librdkafka's own error name and text.
/// </summary>
public sealed class MockClusterException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, on which build, and why.</param>
    /// <param name="nativeErrorCode">librdkafka's <c>rd_kafka_resp_err_t</c> value (negative values are librdkafka's local errors), or 0 when there is none.</param>
    public MockClusterException(string message, int nativeErrorCode = 0)
        : base(message)
    {
        NativeErrorCode = nativeErrorCode;
    }

    /// <summary>librdkafka's <c>rd_kafka_resp_err_t</c> value, or 0 when the failure had none (e.g. a null handle).</summary>
    public int NativeErrorCode { get; }
}
