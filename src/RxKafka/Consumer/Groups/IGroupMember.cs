using RxKafka.Consumer.Engine;

namespace RxKafka.Consumer.Groups;

/// <summary>A consumer's membership of its group, by either protocol: what the consumer needs of it.</summary>
internal interface IGroupMember : IAsyncDisposable
{
    /// <summary>The identity commits are made with.</summary>
    GroupIdentity Identity { get; }

    void Start();
}
