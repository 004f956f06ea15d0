"""How long the current step of a session has run, in clock seconds.

A step's own count stops while the session is paused and while the step waits
for its words to be said (a "hold"); its time on the tool stops only while
paused. Each answer is worked out from the clock time asked about, so nothing
here drifts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StepTime:
    started_at: float  # clock time at which the step began
    paused_total: float = 0.0
    paused_since: float | None = None
    held_total: float = 0.0  # time its countdown waited for its words
    held_since: float | None = None
    hold_until: float | None = None  # an estimated hold's end; None: until its words are out
    held: bool = False  # its one hold has been asked for

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def holding(self) -> bool:
        return self.held_since is not None

    @property
    def holding_for_good(self) -> bool:
        """Held until someone says the words are out: no clock time ends it."""
        return self.held_since is not None and self.hold_until is None

    def active(self, now: float) -> float:
        """Unpaused seconds since the step began, its words included."""
        if self.paused_since is not None:
            now = self.paused_since
        return max(0.0, now - self.started_at - self.paused_total)

    def held_for(self, now: float) -> float:
        held = self.held_total
        if self.held_since is not None:
            end = now if self.hold_until is None else min(now, self.hold_until)
            held += max(0.0, end - self.held_since)
        return held

    def elapsed(self, now: float) -> float:
        """Seconds the step has counted: unpaused and not waiting for its words."""
        return max(0.0, self.active(now) - self.held_for(now))

    def clock_at(self, elapsed: float) -> float:
        """The clock time at which the step will have counted ``elapsed`` seconds."""
        held = self.held_total
        if self.held_since is not None and self.hold_until is not None:
            held += self.hold_until - self.held_since
        return self.started_at + self.paused_total + held + elapsed

    def clock_on_tool(self, seconds: float) -> float:
        """The clock time at which the step will have been on the tool for ``seconds``."""
        return self.started_at + self.paused_total + seconds

    def paused_for(self, now: float) -> float:
        """Seconds paused so far, the pause under way included."""
        running = now - self.paused_since if self.paused_since is not None else 0.0
        return self.paused_total + running

    def hold(self, seconds: float | None) -> bool:
        """Hold the count from the step's start; False if it was held once already."""
        if self.held:
            return False
        self.held = True
        self.held_since = self.started_at
        self.hold_until = None if seconds is None else self.started_at + seconds
        return True

    def end_hold(self, at: float) -> None:
        if self.held_since is not None:
            self.held_total = self.held_for(at)
            self.held_since = self.hold_until = None

    def pause(self, now: float) -> None:
        # Words cut short by a pause are over: the count goes on once resumed.
        self.end_hold(now)
        self.paused_since = now

    def resume(self, now: float) -> float:
        """End the pause; return how long it lasted."""
        if self.paused_since is None:
            return 0.0
        paused_for = now - self.paused_since
        self.paused_total += paused_for
        self.paused_since = None
        return paused_for
