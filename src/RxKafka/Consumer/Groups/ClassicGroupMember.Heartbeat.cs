using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Groups;

// The heartbeat loop: Heartbeat every heartbeat.interval.ms while stable, the max.poll.interval.ms check, and LeaveGroup.
internal sealed partial class ClassicGroupMember
{
    private async Task HeartbeatLoopAsync()
    {
        var lastAnswered = _engine.Scheduler.Now;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await DelayAsync(_options.HeartbeatInterval).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            string memberId;
            int generation;
            bool stable;
            lock (_gate)
            {
                (memberId, generation, stable) = (_memberId, _generation, _stable);
            }

            if (!stable)
            {
                lastAnswered = _engine.Scheduler.Now;
                continue;
            }

            if (_options.GroupInstanceId is null && _engine.IsStuck(_options.MaxPollInterval))
            {
                // Java's rule: a member whose application stopped taking records leaves, so its partitions move on;
                // it rejoins when the application reads again. Static members keep their place until the session ends.
                await LeaveAsync($"the application held records longer than max.poll.interval.ms ({_options.MaxPollInterval})").ConfigureAwait(false);
                await ResetAsync(ErrorCode.RebalanceInProgress, memberIdToo: true).ConfigureAwait(false);
                lock (_gate)
                {
                    _rejoin = false;
                }

                _ = RejoinWhenReadingAsync();
                continue;
            }

            try
            {
                var coordinator = await _engine.Client.FindCoordinatorAsync(CoordinatorType.Group, Group, _stop.Token).ConfigureAwait(false);
                var answer = await _engine.Client.SendVersionedAsync(coordinator.NodeId, ApiKey.Heartbeat, version => new HeartbeatRequest
                {
                    GroupId = Group,
                    GenerationId = generation,
                    MemberId = memberId,
                    GroupInstanceId = version >= 3 ? _options.GroupInstanceId : null,
                }, _stop.Token).ConfigureAwait(false);
                lastAnswered = _engine.Scheduler.Now;
                var error = (ErrorCode)answer.ErrorCode;
                switch (error)
                {
                    case ErrorCode.None:
                        break;
                    case ErrorCode.RebalanceInProgress:
                        RequestRejoin("the group is rebalancing");
                        break;
                    case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration:
                        await ResetAsync(error, memberIdToo: error == ErrorCode.UnknownMemberId).ConfigureAwait(false);
                        Wake();
                        break;
                    case ErrorCode.FencedInstanceId or ErrorCode.GroupAuthorizationFailed:
                        SetFatal(KafkaErrors.ToException(error, $"Heartbeat of group '{Group}' as '{memberId}'"));
                        return;
                    case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable:
                        _engine.Client.ForgetCoordinator(CoordinatorType.Group, Group);
                        break;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.Error(Group, "heartbeat", e);
                _engine.Client.ForgetCoordinator(CoordinatorType.Group, Group);
                if (_engine.Scheduler.Now - lastAnswered > _options.SessionTimeout)
                {
                    // No answer for a whole session: the coordinator has dropped this member by now.
                    await ResetAsync(ErrorCode.UnknownMemberId, memberIdToo: true).ConfigureAwait(false);
                    Wake();
                }
            }
        }
    }

    // After leaving for max.poll.interval.ms: rejoin once the application takes records again.
    private async Task RejoinWhenReadingAsync()
    {
        while (!_stop.IsCancellationRequested && _engine.IsStuck(TimeSpan.Zero))
        {
            try
            {
                await DelayAsync(_options.HeartbeatInterval).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        lock (_gate)
        {
            _rejoin = false;
        }

        RequestRejoin("the application reads again");
    }

    private async Task LeaveAsync(string reason)
    {
        string memberId;
        lock (_gate)
        {
            memberId = _memberId;
        }

        try
        {
            var coordinator = await _engine.Client.FindCoordinatorAsync(CoordinatorType.Group, Group).ConfigureAwait(false);
            await _engine.Client.SendVersionedAsync(coordinator.NodeId, ApiKey.LeaveGroup, version => version >= 3
                ? new LeaveGroupRequest
                {
                    GroupId = Group,
                    Members = [new LeaveGroupRequest.MemberIdentity { MemberId = memberId, GroupInstanceId = _options.GroupInstanceId, Reason = version >= 5 ? reason : null }],
                }
                : new LeaveGroupRequest { GroupId = Group, MemberId = memberId }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            // Leaving is a courtesy: the session timeout removes the member anyway.
            Log.Error(Group, "leaving", e);
        }
    }
}
