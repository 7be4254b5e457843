package dev.baton.placement.api;

import dev.baton.placement.policy.Move;

/**
 * The answer to a manual move request: the move decided and published, or why it was refused.
 *
 * @param move the move, null when rejected
 * @param rejection the reason, null when moved
 */
public record ManualMoveResult(Move move, String rejection) {
    public static ManualMoveResult moved(Move move) {
        return new ManualMoveResult(move, null);
    }

    public static ManualMoveResult rejected(String reason) {
        return new ManualMoveResult(null, reason);
    }

    public boolean accepted() {
        return move != null;
    }
}
