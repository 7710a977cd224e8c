namespace RxKafka.Network.Sasl;

/// <summary>
/// An authenticator that learned why the exchange is failing before the broker's final error
/// (OAUTHBEARER's JSON error challenge); the connection adds it to the exception it reports.
/// </summary>
internal interface ISaslFailureDetail
{
    /// <summary>The detail, or <see langword="null"/> when there is none.</summary>
    string? FailureDetail { get; }
}
