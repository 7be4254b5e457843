package dev.baton.placement.loop;

import dev.baton.placement.api.ManualMoveResult;
import dev.baton.placement.policy.Decision;
import dev.baton.placement.policy.ManualMove;
import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Manual moves asked through the admin API, waiting for the leader's next decision. A request is answered once:
 * with its move when the round that made it is committed, with the policy's refusal, or with why this instance
 * cannot decide it.
 */
final class ManualMoves {

    /** A request and the admin API's answer. */
    record Pending(ManualMove request, CompletableFuture<ManualMoveResult> answer) {
    }

    private final List<Pending> waiting = new ArrayList<>();

    void add(Pending pending) {
        waiting.add(pending);
    }

    /** The requests for the next decision; they are answered when that round is settled. */
    List<Pending> take() {
        List<Pending> taken = List.copyOf(waiting);
        waiting.clear();
        return taken;
    }

    /** Requests of a round that was not committed: decided again in the next round. */
    void retry(List<Pending> requests) {
        waiting.addAll(0, requests);
    }

    /** Refuses every waiting request with {@code reason}. */
    void rejectAll(String reason) {
        reject(take(), reason);
    }

    static void reject(List<Pending> requests, String reason) {
        requests.forEach(pending -> pending.answer().complete(ManualMoveResult.rejected(reason)));
    }

    /** Answers the requests of a committed round from its decision. */
    static void answer(List<Pending> requests, Decision decision) {
        for (Pending pending : requests) {
            String roleId = pending.request().roleId();
            Move move = decision.moves().stream()
                    .filter(m -> m.roleId().equals(roleId) && m.to().equals(pending.request().to()))
                    .findFirst().orElse(null);
            Rejection rejection = decision.rejected().stream()
                    .filter(r -> r.request().equals(pending.request()))
                    .findFirst().orElse(null);
            if (move != null) {
                pending.answer().complete(ManualMoveResult.moved(move));
            } else if (rejection != null) {
                pending.answer().complete(ManualMoveResult.rejected(rejection.reason()));
            } else if (decision.deferredBecause() != null) {
                pending.answer().complete(ManualMoveResult.rejected("placement is not ready: " + decision.deferredBecause()));
            } else {
                pending.answer().complete(ManualMoveResult.rejected("the role did not move"));
            }
        }
    }

    /** The requests themselves, as the policy takes them. */
    static List<ManualMove> requests(List<Pending> pending) {
        List<ManualMove> requests = new ArrayList<>(pending.size());
        pending.forEach(p -> requests.add(p.request()));
        return requests;
    }
}
