using RxKafka.Cluster;
using RxKafka.Consumer.Assignment;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Groups;

// The join loop: JoinGroup, SyncGroup, the assignment applied, and the errors that send it round again.
internal sealed partial class ClassicGroupMember
{
    private async Task JoinLoopAsync()
    {
        var backoff = _engine.Client.Options.RetryBackoff;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await WokenAsync().ConfigureAwait(false);
                bool rejoin;
                lock (_gate)
                {
                    rejoin = _rejoin;
                }

                if (_stop.IsCancellationRequested || !rejoin)
                {
                    continue;
                }

                if (await JoinAsync().ConfigureAwait(false))
                {
                    backoff = _engine.Client.Options.RetryBackoff;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Fatal is null)
            {
                Log.Error(Group, "joining", e);
                if (e is KafkaException { ErrorCode: ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress })
                {
                    _engine.Client.ForgetCoordinator(CoordinatorType.Group, Group);
                }

                await DelayAsync(backoff).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _engine.Client.Options.RetryBackoffMax.Ticks));
            }
        }
    }

    /// <summary>One round: join, sync, apply. True when the member ended stable with its assignment.</summary>
    private async Task<bool> JoinAsync()
    {
        var client = _engine.Client;
        var coordinator = await client.FindCoordinatorAsync(CoordinatorType.Group, Group, _stop.Token).ConfigureAwait(false);
        if (_strategies.Protocol == RebalanceProtocol.Eager)
        {
            // Eager: everything goes before joining (committed first), and comes back with the new assignment.
            await RevokeAsync(_owned, lost: false, _stop.Token).ConfigureAwait(false);
        }

        if (client.Snapshot.Topics.Count == 0 || _topics?.Any(t => !client.Snapshot.Topics.ContainsKey(t)) == true)
        {
            await client.ForceMetadataUpdateAsync(_stop.Token).ConfigureAwait(false);
        }

        var snapshot = client.Snapshot;
        var topics = SubscribedTopics(snapshot);
        string memberId;
        int generation;
        IReadOnlyList<TopicPartition> owned;
        lock (_gate)
        {
            _subscribed = topics;
            _partitionCounts = topics.Where(snapshot.Topics.ContainsKey).ToDictionary(t => t, t => snapshot.Topics[t].Partitions.Length);
            memberId = _memberId;
            generation = _generation;
            owned = _owned;
        }

        var protocols = new List<JoinGroupRequest.JoinGroupRequestProtocol>();
        var sorted = topics.Order(StringComparer.Ordinal).ToList();
        foreach (var assignor in _strategies.Assignors)
        {
            var subscription = new MemberSubscription(
                memberId,
                _options.GroupInstanceId,
                sorted,
                assignor.SubscriptionUserData(owned, generation),
                _strategies.Protocol == RebalanceProtocol.Cooperative ? owned : [],
                generation,
                _options.ClientRack.Length > 0 ? _options.ClientRack : null);
            protocols.Add(new JoinGroupRequest.JoinGroupRequestProtocol { Name = assignor.Name, Metadata = ConsumerProtocol.EncodeSubscription(subscription) });
        }

        var joined = await client.SendVersionedAsync(coordinator.NodeId, ApiKey.JoinGroup, version =>
        {
            if (_options.GroupInstanceId is not null && version < 5)
            {
                throw new KafkaException(ErrorCode.UnsupportedVersion, $"group.instance.id needs JoinGroup v5 (Kafka 2.3+); the coordinator offers v{version}");
            }

            return new JoinGroupRequest
            {
                GroupId = Group,
                SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
                RebalanceTimeoutMs = version >= 1 ? (int)_options.MaxPollInterval.TotalMilliseconds : -1,
                MemberId = memberId,
                GroupInstanceId = version >= 5 ? _options.GroupInstanceId : null,
                ProtocolType = ProtocolType,
                Protocols = protocols,
                Reason = version >= 8 ? "rxkafka: (re)joining" : null,
                LongerTimeout = _options.MaxPollInterval + TimeSpan.FromSeconds(5),
            };
        }, _stop.Token).ConfigureAwait(false);
        var error = (ErrorCode)joined.ErrorCode;
        switch (error)
        {
            case ErrorCode.None:
                break;
            case ErrorCode.MemberIdRequired:
                // KIP-394: the coordinator names the member id and expects the join again with it.
                lock (_gate)
                {
                    _memberId = joined.MemberId;
                }

                return false;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration:
                await ResetAsync(error, memberIdToo: error == ErrorCode.UnknownMemberId).ConfigureAwait(false);
                return false;
            case ErrorCode.RebalanceInProgress:
                return false;
            case ErrorCode.FencedInstanceId or ErrorCode.GroupAuthorizationFailed or ErrorCode.InconsistentGroupProtocol
                or ErrorCode.InvalidSessionTimeout or ErrorCode.GroupMaxSizeReached or ErrorCode.UnsupportedVersion or ErrorCode.GroupIdNotFound:
                SetFatal(KafkaErrors.ToException(error, $"JoinGroup of group '{Group}' as '{memberId}'"));
                return false;
            default:
                throw KafkaErrors.ToException(error, $"JoinGroup of group '{Group}'");
        }

        lock (_gate)
        {
            _memberId = joined.MemberId;
            _generation = joined.GenerationId;
            _protocol = joined.ProtocolName;
        }

        var leader = joined.Leader == joined.MemberId;
        Log.Joined(Group, joined.GenerationId, joined.MemberId, leader, joined.ProtocolName);
        var assignments = new List<SyncGroupRequest.SyncGroupRequestAssignment>();
        if (leader && !joined.SkipAssignment)
        {
            foreach (var (member, assignment) in await AssignAsync(joined).ConfigureAwait(false))
            {
                assignments.Add(new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = member, Assignment = ConsumerProtocol.EncodeAssignment(assignment) });
            }
        }

        var synced = await client.SendVersionedAsync(coordinator.NodeId, ApiKey.SyncGroup, version => new SyncGroupRequest
        {
            GroupId = Group,
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            GroupInstanceId = version >= 3 ? _options.GroupInstanceId : null,
            ProtocolType = version >= 5 ? ProtocolType : null,
            ProtocolName = version >= 5 ? joined.ProtocolName : null,
            Assignments = assignments,
        }, _stop.Token).ConfigureAwait(false);
        error = (ErrorCode)synced.ErrorCode;
        switch (error)
        {
            case ErrorCode.None:
                break;
            case ErrorCode.RebalanceInProgress:
                return false;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration:
                await ResetAsync(error, memberIdToo: error == ErrorCode.UnknownMemberId).ConfigureAwait(false);
                return false;
            case ErrorCode.FencedInstanceId or ErrorCode.GroupAuthorizationFailed or ErrorCode.InconsistentGroupProtocol:
                SetFatal(KafkaErrors.ToException(error, $"SyncGroup of group '{Group}' as '{joined.MemberId}'"));
                return false;
            default:
                throw KafkaErrors.ToException(error, $"SyncGroup of group '{Group}'");
        }

        var assigned = synced.Assignment is { Length: > 0 } bytes ? ConsumerProtocol.DecodeAssignment(joined.MemberId, bytes).Partitions : [];
        await ApplyAsync(assigned, joined.GenerationId).ConfigureAwait(false);
        return true;
    }

    /// <summary>The leader's work: every member's subscription through the chosen assignor, over the current metadata.</summary>
    private async Task<IReadOnlyDictionary<string, MemberAssignment>> AssignAsync(JoinGroupResponse joined)
    {
        var assignor = _strategies.Find(joined.ProtocolName ?? "")
            ?? throw new KafkaException(ErrorCode.InconsistentGroupProtocol, $"The coordinator chose assignor '{joined.ProtocolName}', which this member did not offer ({string.Join(", ", _strategies.Assignors.Select(a => a.Name))})");
        var subscriptions = joined.Members.ToDictionary(m => m.MemberId, m => ConsumerProtocol.DecodeSubscription(m.MemberId, m.GroupInstanceId, m.Metadata));
        var wanted = subscriptions.Values.SelectMany(s => s.Topics).ToHashSet();
        var client = _engine.Client;
        if (wanted.Any(t => !client.Snapshot.Topics.ContainsKey(t)))
        {
            // Other members may subscribe to topics this one does not: the leader needs their partition counts too.
            client.AddTopics(wanted);
            await client.ForceMetadataUpdateAsync(_stop.Token).ConfigureAwait(false);
        }

        var snapshot = client.Snapshot;
        var partitionsPerTopic = wanted
            .Where(t => snapshot.Topics.TryGetValue(t, out var m) && m.Partitions.Length > 0)
            .ToDictionary(t => t, t => snapshot.Topics[t].Partitions.Length);
        return assignor.Assign(partitionsPerTopic, subscriptions);
    }

    /// <summary>Takes the synced assignment: revokes what left (cooperative), hands what came to the engine, and tells the observers.</summary>
    private async Task ApplyAsync(IReadOnlyList<TopicPartition> assigned, int generation)
    {
        IReadOnlyList<TopicPartition> owned;
        lock (_gate)
        {
            owned = _owned;
        }

        var change = AssignmentChange.Between(owned, assigned);
        if (change.Revoked.Count > 0)
        {
            await RevokeAsync(change.Revoked, lost: false, _stop.Token).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _owned = assigned;
            _rejoin = _strategies.Protocol == RebalanceProtocol.Cooperative && change.MustRejoin;
            _stable = true;
        }

        if (change.Assigned.Count > 0)
        {
            _engine.Assign(change.Assigned.Select(p => (p, (long?)null)).ToList());
        }

        _events.OnNext(new PartitionsAssigned(change.Assigned, generation));
        if (_rejoin)
        {
            // KIP-429: partitions given up in this round go to their new owners in the next.
            Wake();
        }
    }

    /// <summary>
    /// Gives partitions up: observers may defer the revocation (commit on revoke), what was processed is
    /// committed (auto-commit), then the engine drops them. Lost partitions are dropped without a commit.
    /// </summary>
    private async Task RevokeAsync(IReadOnlyList<TopicPartition> partitions, bool lost, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        int generation;
        lock (_gate)
        {
            generation = _generation;
        }

        await _revocation.RunAsync(partitions, generation, lost, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _owned = _owned.Where(p => !partitions.Contains(p)).ToList();
        }
    }

    /// <summary>The coordinator no longer knows this member or generation: its partitions are lost; join afresh.</summary>
    private async Task ResetAsync(ErrorCode why, bool memberIdToo)
    {
        IReadOnlyList<TopicPartition> owned;
        lock (_gate)
        {
            owned = _owned;
        }

        await RevokeAsync(owned, lost: true, CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            _generation = -1;
            _stable = false;
            _rejoin = true;
            if (memberIdToo)
            {
                _memberId = "";
            }
        }

        Log.Rejoin(Group, KafkaErrors.Describe(why).Name);
    }
}
