"""Start-up time and idle memory of `thidua run` beside a bare aiogram echo bot.

Both bots poll the same in-process fake Bot API (tests/fakes/telegram_api/). For each start the
script measures the wall time from spawning the process to the first getUpdates request reaching
the fake, checks that the bot answers one message, lets it idle, then reads its resident memory
(VmRSS, and the peak VmHWM) from /proc. So the memory is that of a bot which has served a message,
as it is in production, not of one that has only just started.

`thidua run` first starts once on an empty database (migrations, shipped plan): that start is
reported apart as first_startup_s; the measured starts are restarts, the common case. The echo bot
gets a discarded warm-up start too, so both are measured with warm disk caches. The two bots'
starts alternate, so a change in the machine's load weighs on both alike.

Usage, from the repository root: .venv/bin/python benchmarks/startup.py [--runs N]
It prints a table, then as its last line one JSON object with every figure. It exits with 0 even
when the goal is missed (it is a measurement), and with 1 when a bot fails to start or answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from aiohttp import web  # noqa: E402

from bot.config import Settings  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402

TEST_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz12"
GOAL_RATIO = 1.3
IDLE_SECONDS = 2.0
START_TIMEOUT_SECONDS = 60.0
REPLY_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 15.0  # thidua allows itself 8 s to finish the updates in hand
PROBE_TEXT = "xin chào"
FIRST_PROBE_USER_ID = 777_001


class BenchmarkError(Exception):
    """A bot did not start, answer or stop: there is nothing valid to report."""


class TimedFakeTelegramAPI(FakeTelegramAPI):
    """The fake Bot API, noting when the first getUpdates of the current bot process arrives."""

    def __init__(self, *, bot_token: str) -> None:
        super().__init__(bot_token=bot_token)
        self.first_poll_at: float | None = None
        self._polled = asyncio.Event()

    def expect_new_bot(self) -> None:
        self.first_poll_at = None
        self._polled.clear()

    async def wait_for_first_poll(self) -> float:
        await self._polled.wait()
        assert self.first_poll_at is not None
        return self.first_poll_at

    async def _handle_api_request(self, request: web.Request) -> web.StreamResponse:
        # Stamped on arrival, before the fake reads the body or answers: that is when the bot
        # became ready, however long the fake then takes.
        if self.first_poll_at is None and request.match_info["method"].lower() == "getupdates":
            self.first_poll_at = time.perf_counter()
            self._polled.set()
        return await super()._handle_api_request(request)


@dataclass(frozen=True)
class BotUnderTest:
    label: str
    argv: list[str]
    reply_ok: Callable[[str], bool]  # given the reply's text to PROBE_TEXT


@dataclass(frozen=True)
class Measurement:
    startup_s: float
    idle_rss_mb: float
    peak_rss_mb: float


def bots_under_test() -> tuple[BotUnderTest, BotUnderTest]:
    thidua_script = Path(sys.executable).with_name("thidua")
    thidua_argv = (
        [str(thidua_script), "run"]
        if thidua_script.exists()
        else [sys.executable, "-m", "bot", "run"]
    )
    thidua = BotUnderTest("thidua run", thidua_argv, reply_ok=lambda text: bool(text.strip()))
    echo_argv = [sys.executable, str(REPO_ROOT / "benchmarks" / "echo_bot.py")]
    echo = BotUnderTest("echo bot", echo_argv, reply_ok=lambda text: text == PROBE_TEXT)
    return thidua, echo


def bot_environment(api_url: str, workdir: Path) -> dict[str, str]:
    """Our environment without any thidua setting (pydantic-settings matches names in any
    case), then only the three settings the benchmark means."""
    setting_names = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in setting_names}
    return env | {
        "BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'thidua.db'}",
    }


# --------------------------------------------------------------------------- one start


class Runner:
    """Starts, probes, measures and stops the bots, one process at a time."""

    def __init__(self, fake: TimedFakeTelegramAPI, workdir: Path, env: dict[str, str]) -> None:
        self.fake = fake
        self.workdir = workdir  # also the bots' cwd, so no stray .env is read
        self.env = env
        self._starts = 0

    async def measure(self, bot: BotUnderTest) -> Measurement:
        self._starts += 1
        log_path = self.workdir / f"start-{self._starts:02d}.log"
        with log_path.open("wb") as log:
            self.fake.expect_new_bot()
            spawned_at = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                *bot.argv, cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )
            try:
                polled_at = await self._first_poll(process, bot)
                await self._check_reply(bot)
                await asyncio.sleep(IDLE_SECONDS)
                idle_kb, peak_kb = read_memory_kb(process.pid)
            except BenchmarkError as error:
                raise BenchmarkError(f"{error}\n--- its output:\n{tail(log_path)}") from None
            finally:
                await stop(process)
        return Measurement(polled_at - spawned_at, idle_kb / 1024, peak_kb / 1024)

    async def _first_poll(self, process: asyncio.subprocess.Process, bot: BotUnderTest) -> float:
        polled = asyncio.create_task(self.fake.wait_for_first_poll())
        exited = asyncio.create_task(process.wait())
        done, _ = await asyncio.wait(
            {polled, exited}, timeout=START_TIMEOUT_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
        polled.cancel()
        exited.cancel()
        if polled not in done:
            if exited in done:
                outcome = f"exited with code {process.returncode}"
            else:
                outcome = f"did not poll in {START_TIMEOUT_SECONDS:.0f} s"
            raise BenchmarkError(f"{bot.label} {outcome} before its first getUpdates")
        return polled.result()

    async def _check_reply(self, bot: BotUnderTest) -> None:
        # A new user each start, so a late reply of an earlier start cannot be taken for this one.
        user_id = FIRST_PROBE_USER_ID + self._starts
        self.fake.user_sends_text(user_id, PROBE_TEXT)
        try:
            [reply] = await self.fake.wait_for_messages(user_id, 1, REPLY_TIMEOUT_SECONDS)
        except AssertionError as error:  # the fake's way of saying nothing came
            raise BenchmarkError(f"{bot.label} did not answer: {error}") from None
        if not bot.reply_ok(reply.plain_text):
            raise BenchmarkError(f"{bot.label} answered {reply.plain_text!r} to {PROBE_TEXT!r}")


def read_memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a live process, in kB as /proc gives them."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value
    if "VmRSS" not in fields:  # a zombie: the bot died while idling
        raise BenchmarkError(f"process {pid} exited while idling")
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        message = f"pid {process.pid} ignored SIGTERM for {STOP_TIMEOUT_SECONDS} s"
        raise BenchmarkError(message) from None


def tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- the series


async def run_series(runs: int) -> tuple[Measurement, list[Measurement], list[Measurement]]:
    """(thidua's first start on an empty database, thidua's restarts, the echo bot's starts)."""
    thidua, echo = bots_under_test()
    with tempfile.TemporaryDirectory(prefix="thidua-startup-") as tmp:
        workdir = Path(tmp)
        async with TimedFakeTelegramAPI(bot_token=TEST_TOKEN) as fake:
            assert fake.base_url is not None
            runner = Runner(fake, workdir, bot_environment(fake.base_url, workdir))
            first = await runner.measure(thidua)
            report_progress(thidua, "first start, empty database", first)
            report_progress(echo, "warm-up, not counted", await runner.measure(echo))
            thidua_runs, echo_runs = [], []
            for number in range(1, runs + 1):
                for bot, results in ((thidua, thidua_runs), (echo, echo_runs)):
                    results.append(await runner.measure(bot))
                    report_progress(bot, f"run {number}/{runs}", results[-1])
    return first, thidua_runs, echo_runs


def report_progress(bot: BotUnderTest, which: str, result: Measurement) -> None:
    # On stderr, so that the JSON object stays the last line of the output.
    print(
        f"  {bot.label}, {which}: {result.startup_s:.3f} s, "
        f"idle {result.idle_rss_mb:.1f} MB, peak {result.peak_rss_mb:.1f} MB",
        file=sys.stderr,
    )


def summarise(first: Measurement, ours: list[Measurement], echo: list[Measurement]) -> dict:
    def median(results: list[Measurement], field: str) -> float:
        return statistics.median(getattr(result, field) for result in results)

    startup_ratio = median(ours, "startup_s") / median(echo, "startup_s")
    rss_ratio = median(ours, "idle_rss_mb") / median(echo, "idle_rss_mb")
    figures: dict[str, float | int | bool] = {"first_startup_s": round(first.startup_s, 3)}
    for prefix, results in (("", ours), ("echo_", echo)):
        starts = [result.startup_s for result in results]
        figures |= {
            f"{prefix}startup_s": round(statistics.median(starts), 3),
            f"{prefix}startup_min_s": round(min(starts), 3),
            f"{prefix}startup_max_s": round(max(starts), 3),
            f"{prefix}idle_rss_mb": round(median(results, "idle_rss_mb"), 1),
            f"{prefix}peak_rss_mb": round(median(results, "peak_rss_mb"), 1),
        }
    # The verdicts use the ratios as printed, so that no reader sees "1.30x" called a miss.
    startup_ratio, rss_ratio = round(startup_ratio, 2), round(rss_ratio, 2)
    return figures | {
        "startup_ratio": startup_ratio,
        "rss_ratio": rss_ratio,
        "goal_ratio": GOAL_RATIO,
        "startup_goal_met": startup_ratio <= GOAL_RATIO,
        "rss_goal_met": rss_ratio <= GOAL_RATIO,
        "runs": len(ours),
    }


def print_report(figures: dict) -> None:
    print()
    print(f"{'':12} {'start-up s':^23}   {'memory MB':^15}".rstrip())
    print(f"{'':12} {'median':>7} {'min':>7} {'max':>7}   {'idle RSS':>8} {'peak':>6}")
    for label, prefix in (("thidua run", ""), ("echo bot", "echo_")):
        starts = [figures[f"{prefix}startup{which}_s"] for which in ("", "_min", "_max")]
        memory = [figures[f"{prefix}{which}_rss_mb"] for which in ("idle", "peak")]
        print(
            f"{label:12} {starts[0]:>7.3f} {starts[1]:>7.3f} {starts[2]:>7.3f}"
            f"   {memory[0]:>8.1f} {memory[1]:>6.1f}"
        )
    print(f"(medians of {figures['runs']} starts each; idle RSS: VmRSS after one answered message")
    print(f" and {IDLE_SECONDS:.0f} s idle; peak: VmHWM; MB = 2^20 bytes)")
    print(f"thidua's first start, on an empty database: {figures['first_startup_s']:.3f} s")
    print(
        f"thidua / echo: start-up {figures['startup_ratio']:.2f}x, "
        f"idle RSS {figures['rss_ratio']:.2f}x (goal: at most {GOAL_RATIO}x on both)"
    )
    for goal, name in (("startup", "start-up"), ("rss", "idle memory")):
        verdict, sign = ("met", "<=") if figures[f"{goal}_goal_met"] else ("MISSED", ">")
        print(f"{name} goal: {verdict} ({figures[f'{goal}_ratio']:.2f}x {sign} {GOAL_RATIO}x)")
    print(json.dumps(figures))


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=positive_int, default=5, help="starts per bot (default 5)")
    args = parser.parse_args()
    try:
        first, ours, echo = asyncio.run(run_series(args.runs))
    except BenchmarkError as error:
        print(f"startup benchmark: {error}", file=sys.stderr)
        return 1
    print_report(summarise(first, ours, echo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
