"""What a form step costs the stack thidua stands on, before any of thidua's own work.

benchmarks/forms.py compares thidua with a bare aiogram echo bot. This script measures two bots
between them, through the same harness (N principals at once, the registration form, buttons):

- replay: thidua's Telegram channel (runner, adapter, aiogram dispatcher) with a core that
  answers each update with what thidua answered the same person's n-th update in a recorded
  run. No database, no form logic: what the channel costs.
- floor: thidua's core with its router swapped for that replay. Each update still gets what
  every update needs before any logic: the per-chat turn, a unit of work that records the
  update id (a redelivered update is not applied twice) and reads the person's account (who
  they are, what they may do), then commits.

Binding (/start CODE, not timed) always goes to thidua's own router, so the people exist.
Each bot runs in a fresh process of its own (the script starts itself again): a process that
ran one bot is slower for the next, as the heap left behind makes every collection longer.

Usage, from the repository root: .venv/bin/python benchmarks/forms_floor.py [--principals N]
It prints a table, then as its last line one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import forms
from benchmarks.startup import positive_int
from bot.app import CoreApp
from bot.context import Context
from bot.events import Incoming, Outcome
from bot.routing import Router
from thidua.runtime import Runtime

VARIANTS = ("thidua", "floor", "replay", "echo")  # thidua first: it records the others' answers
STEPS_PER_FORM = 18  # what forms.py measures of the shipped registration form, with buttons


@dataclass
class Script:
    """thidua's answers by person and by the number of the update, as recorded."""

    outcomes: dict[tuple[str, int], Outcome] = field(default_factory=dict)
    _seen: Counter[str] = field(default_factory=Counter)

    def key(self, event: Incoming) -> tuple[str, int]:
        person = event.identity.user_id
        self._seen[person] += 1
        return person, self._seen[person]


def is_binding(event: Incoming) -> bool:
    return event.command == "start"


class ScriptedRouter:
    """In front of thidua's router: records its answers, or replays them."""

    def __init__(self, router: Router, script: Script, *, replaying: bool) -> None:
        self.router = router
        self.published = router.published
        self.script = script
        self.replaying = replaying

    async def dispatch(self, event: Incoming, ctx: Context) -> Outcome:
        key = self.script.key(event)
        if self.replaying and not is_binding(event):
            return self.script.outcomes[key]
        outcome = await self.router.dispatch(event, ctx)
        self.script.outcomes[key] = outcome
        return outcome


class ChannelOnlyApp(CoreApp):
    """Answers from the script without a unit of work: the channel's cost alone."""

    async def handle(self, event: Incoming) -> Outcome:
        if is_binding(event):
            return await super().handle(event)
        return self.router.script.outcomes[self.router.script.key(event)]


def scripted_core(variant: str, script: Script) -> Callable[[Runtime], CoreApp]:
    def build(runtime: Runtime) -> CoreApp:
        app = runtime.app
        router = ScriptedRouter(app.router, script, replaying=variant != "thidua")
        kind = ChannelOnlyApp if variant == "replay" else CoreApp
        return kind(db=app.db, clock=app.clock, settings=app.settings, router=router)

    return build


async def measure(variant: str, principals: int, script: Script) -> forms.Phase:
    if variant == "echo":
        return await forms.measure_echo(principals, STEPS_PER_FORM)
    run = await forms.measure_thidua(principals, False, core=scripted_core(variant, script))
    return run.phase


def run_variant(variant: str, principals: int, recording: Path) -> dict:
    """In the process started for it; thidua's run records the answers the others replay."""
    script = Script()
    if variant in ("floor", "replay"):
        script.outcomes = pickle.loads(recording.read_bytes())
    phase = asyncio.run(measure(variant, principals, script))
    if variant == "thidua":
        recording.write_bytes(pickle.dumps(script.outcomes))
    return figures_of(phase, principals)


def figures_of(phase: forms.Phase, principals: int) -> dict:
    steps = principals * STEPS_PER_FORM
    return {
        "forms_per_s": round(phase.per_s, 2),
        "step_us": round(phase.wall_s / steps * 1e6),
        "p50_step_ms": round(forms.percentile(phase.step_ms, 50), 1),
        "p99_step_ms": round(forms.percentile(phase.step_ms, 99), 1),
        "lost": phase.lost,
    }


def in_own_process(variant: str, principals: int, recording: Path) -> dict:
    command = [sys.executable, __file__, "--principals", str(principals)]
    command += ["--variant", variant, "--recording", str(recording)]
    print(f"{variant}: running in a process of its own", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(principals: int, runs: dict[str, dict]) -> dict:
    echo = runs["echo"]
    print(f"\n{principals} principals at once, {STEPS_PER_FORM} steps a form, buttons")
    print(f"{'':8} {'forms/s':>8} {'µs/step':>8} {'p50 ms':>8} {'p99 ms':>8}  x echo's rate, p99")
    summary: dict = {"principals": principals}
    for variant, run in runs.items():
        throughput = round(run["forms_per_s"] / echo["forms_per_s"], 2)
        p99 = round(run["p99_step_ms"] / echo["p99_step_ms"], 2)
        print(
            f"{variant:8} {run['forms_per_s']:>8.2f} {run['step_us']:>8} {run['p50_step_ms']:>8}"
            f" {run['p99_step_ms']:>8}  {throughput:>5.2f}  {p99:>5.2f}"
        )
        summary |= {f"{variant}_{name}": value for name, value in run.items()}
        summary |= {f"{variant}_throughput_ratio": throughput, f"{variant}_p99_ratio": p99}
    print(json.dumps(summary))
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--principals", type=positive_int, default=500)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--recording", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.principals, args.recording)))
        return 0
    with tempfile.TemporaryDirectory(prefix="thidua-floor-") as tmp:
        recording = Path(tmp) / "answers.pickle"
        runs = {name: in_own_process(name, args.principals, recording) for name in VARIANTS}
    report(args.principals, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
