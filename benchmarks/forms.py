"""Registration forms per second through the real aiogram bot, beside a bare aiogram echo bot.

N simulated principals (default 500), each a Telegram user of its own and an asyncio task of its
own, all at once: each binds with `/start CODE` (set-up, not measured), then sends /register and
fills in the form (tests.helpers.fill_in) until the receipt. A step is one update from the user;
its latency runs from the moment the update is queued at the fake Bot API
(tests/fakes/telegram_api/) to the moment the bot's reply to that user reaches the fake.
Throughput is completed forms over the wall time from the first /register to the last receipt.
A form is lost when a step gets no reply within STEP_TIMEOUT_SECONDS or the form ends without a
receipt (the bot answered an update with its "something went wrong" message, say).

The baseline is the echo bot of benchmarks/echo_bot.py on the same fake, at the same load: N users
each send as many messages, one after another, as a form took steps, waiting for each echo.

Both bots run in this process, as the tests run them, so that the fake, the users and the bot
share one event loop and one core alike: the comparison is apples to apples, and no process
start-up or inter-process scheduling blurs the figures. thidua runs on a fresh SQLite database.

Usage, from the repository root: .venv/bin/python benchmarks/forms.py [--principals N] [--typed]
It prints a table, then as its last line one JSON object with every figure. It exits with 0 even
when a goal is missed (it is a measurement), and with 1 when no form at all completes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from benchmarks.echo_bot import dispatcher as echo_dispatcher
from benchmarks.startup import TEST_TOKEN, positive_int
from bot.app import CoreApp
from bot.clock import ManualClock
from bot.config import Settings
from bot.db.models import Role
from bot.db.repositories import UnitRepository
from bot.events import FileRef, Identity
from bot.services.setup.invites import create_invite
from channels.telegram.runner import TelegramChannel
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage
from tests.helpers import fill_in, serving, verbs_of
from thidua.runtime import Runtime, build_runtime

GOAL_THROUGHPUT_RATIO = 0.5  # thidua's forms/s at least half the echo bot's
GOAL_P99_RATIO = 2.0  # thidua's p99 step latency at most twice the echo bot's
# A form is lost when one of its steps gets no reply in this time. Not the whole form: at 500
# users a saturated bot may take minutes over a form it does complete, and that slowness is what
# the throughput and latency figures are for.
STEP_TIMEOUT_SECONDS = 120.0
PROGRESS_EVERY_SECONDS = 10.0
# Three weeks before the plan's first deadline, as in the tests: registration is open.
BENCH_START = datetime(2016, 10, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
DISTRICT_OFFICE = "PGD-VIET-TRI"  # a district office of the shipped plan, parent of the schools
FIRST_USER_ID = 800_001
RECEIPT_MARK = "Mã biên nhận: TD-"
ECHO_TEXT = "Nội dung thử nghiệm đầy đủ"  # what fill_in types into free-text questions


# --------------------------------------------------------------------------- the fake, timed


class StampingFakeTelegramAPI(FakeTelegramAPI):
    """The fake Bot API, stamping the arrival of each message to a user and waking only that
    user's waiter.

    The fake's own wait_for_messages wakes every waiter on every message, and each rescans all
    the messages ever sent: at 500 users and some 9,000 messages that is billions of steps, and
    the harness, not the bot, would fill the shared event loop.
    """

    def __init__(self, *, bot_token: str) -> None:
        super().__init__(bot_token=bot_token)
        self._inbox: dict[int, list[tuple[float, SentMessage]]] = defaultdict(list)
        self._arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def _deliver(self, call: Any, chat: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        message = super()._deliver(call, chat, *args, **kwargs)
        self._inbox[chat.id].append((time.perf_counter(), self.sent[-1]))
        self._arrived[chat.id].set()
        return message

    def _sent_to(self, chat_id: int) -> list[SentMessage]:
        # user_presses() looks for the button on the last message: only this chat's, please.
        return [message for _arrived_at, message in self._inbox[chat_id]]

    async def reply_after(self, chat_id: int, seen: int) -> tuple[float, SentMessage]:
        """(arrival time, message) of the bot's message to the user after the first `seen`."""
        inbox = self._inbox[chat_id]
        while len(inbox) <= seen:
            arrived = self._arrived[chat_id]
            arrived.clear()
            await arrived.wait()
        return inbox[seen]


# --------------------------------------------------------------------------- one user


class SimulatedUser:
    """One person in the Telegram app making the moves fill_in asks for (the Chat protocol of
    tests.helpers), each timed as one step."""

    def __init__(self, fake: StampingFakeTelegramAPI, user_id: int) -> None:
        self.fake = fake
        self.user_id = user_id
        self.last: SentMessage | None = None
        self.last_arrival = 0.0
        self.step_ms: list[float] = []
        self._replies = 0

    @property
    def text(self) -> str:
        return self.last.plain_text if self.last else ""

    def verbs(self) -> dict[str, str]:
        markup = (self.last.reply_markup if self.last else None) or {}
        rows = markup.get("inline_keyboard", [])
        return verbs_of([button.get("callback_data", "") for row in rows for button in row])

    async def says(self, text: str) -> None:
        await self._step(lambda: self.fake.user_sends_text(self.user_id, text))

    async def presses(self, payload: str) -> None:
        await self._step(lambda: self.fake.user_presses(self.user_id, payload))

    async def sends_file(self, file: FileRef) -> None:
        await self._step(
            lambda: self.fake.user_sends_document(
                self.user_id, file.file_name, file.mime_type, file.size
            )
        )

    def forget_set_up(self) -> None:
        """The steps so far were set-up (binding, warm-up): not part of the figures."""
        self.step_ms.clear()

    async def _step(self, queue_update: Callable[[], object]) -> None:
        # One reply per update, as the tests expect of a form step; a step answered twice would
        # desynchronise the user, whose form would then end without a receipt: lost, not hidden.
        queued_at = time.perf_counter()
        queue_update()
        async with asyncio.timeout(STEP_TIMEOUT_SECONDS):
            reply = await self.fake.reply_after(self.user_id, self._replies)
        self.last_arrival, self.last = reply
        self._replies += 1
        self.step_ms.append((self.last_arrival - queued_at) * 1000)


def new_users(fake: StampingFakeTelegramAPI, count: int) -> list[SimulatedUser]:
    return [SimulatedUser(fake, FIRST_USER_ID + number) for number in range(count)]


async def fill_in_registration(user: SimulatedUser, typed: bool) -> None:
    await user.says("/register")
    await fill_in(user, typed=typed)
    if RECEIPT_MARK not in user.text:
        raise AssertionError(f"the form ended without a receipt: {user.text[:120]!r}")


async def echo_series(user: SimulatedUser, messages: int) -> None:
    for _ in range(messages):
        await user.says(ECHO_TEXT)
        if user.text != ECHO_TEXT:
            raise AssertionError(f"the echo bot answered {user.text[:120]!r}")


# --------------------------------------------------------------------------- running them all


@dataclass
class Phase:
    """The timed part of one bot's run."""

    completed: list[SimulatedUser]
    lost: int
    wall_s: float  # from the first update queued to the last completion
    step_ms: list[float] = field(default_factory=list)  # every answered step, lost ones' too

    @property
    def per_s(self) -> float:
        return len(self.completed) / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def steps_per_form(self) -> int:
        return statistics.mode(len(user.step_ms) for user in self.completed)


async def all_at_once(label: str, attempts: Iterable[Awaitable[None]]) -> list[str | None]:
    """Run every attempt as its own task; for each, None when it completed, else why not."""
    tasks = [asyncio.create_task(outcome_of(attempt)) for attempt in attempts]
    reporter = asyncio.create_task(report_progress(label, tasks))
    try:
        outcomes = await asyncio.gather(*tasks)
    finally:
        reporter.cancel()
    failures = [outcome for outcome in outcomes if outcome is not None]
    print(f"  {label}: {len(tasks) - len(failures)}/{len(tasks)} done", file=sys.stderr)
    for reason in sorted(set(failures))[:5]:
        print(f"    not done ({failures.count(reason)}x): {reason}", file=sys.stderr)
    return outcomes


async def outcome_of(attempt: Awaitable[None]) -> str | None:
    try:
        await attempt
    except TimeoutError:
        return f"a step got no reply within {STEP_TIMEOUT_SECONDS:.0f} s"
    except (AssertionError, ValueError) as error:  # fill_in stuck, or a button not shown
        return f"{type(error).__name__}: {error}"
    return None


async def report_progress(label: str, tasks: list[asyncio.Task]) -> None:
    # On stderr, so that the JSON object stays the last line of the output.
    while True:
        await asyncio.sleep(PROGRESS_EVERY_SECONDS)
        done = sum(task.done() for task in tasks)
        print(f"  {label}: {done}/{len(tasks)} ...", file=sys.stderr)


async def timed_phase(
    label: str, users: list[SimulatedUser], attempt: Callable[[SimulatedUser], Awaitable[None]]
) -> Phase:
    for user in users:
        user.forget_set_up()
    started = time.perf_counter()
    outcomes = await all_at_once(label, (attempt(user) for user in users))
    completed = [user for user, outcome in zip(users, outcomes, strict=True) if outcome is None]
    ended = max((user.last_arrival for user in completed), default=started)
    step_ms = [ms for user in users for ms in user.step_ms]
    return Phase(completed, len(users) - len(completed), ended - started, step_ms)


# --------------------------------------------------------------------------- thidua


@dataclass
class ThiduaRun:
    phase: Phase
    error_replies: int  # "Sorry, something went wrong" answers: failed updates, rolled back


async def measure_thidua(
    principals: int, typed: bool, core: Callable[[Runtime], CoreApp] | None = None
) -> ThiduaRun:
    """``core``: what answers the updates, thidua's own by default (see forms_floor.py)."""
    with tempfile.TemporaryDirectory(prefix="thidua-forms-") as tmp:
        async with StampingFakeTelegramAPI(bot_token=TEST_TOKEN) as fake:
            runtime = await open_runtime(fake, Path(tmp))
            if core is not None:
                runtime = dataclasses.replace(runtime, app=core(runtime))
            try:
                phase = await registrations(runtime, fake, principals, typed)
            finally:
                await runtime.db.dispose()
            failure_text = failure_reply_text(runtime)
            errors = sum(message.plain_text == failure_text for message in fake.sent)
    return ThiduaRun(phase, errors)


async def open_runtime(fake: StampingFakeTelegramAPI, workdir: Path) -> Runtime:
    print("thidua: migrating a new SQLite database, loading the plan", file=sys.stderr)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
        bot_token=TEST_TOKEN,
        telegram_api_url=fake.base_url,
        webhook_url=None,  # long polling, whatever the environment says
    )
    return await build_runtime(settings, ManualClock(BENCH_START))


async def registrations(
    runtime: Runtime, fake: StampingFakeTelegramAPI, principals: int, typed: bool
) -> Phase:
    codes = await issue_invites(runtime, principals)
    users = new_users(fake, principals)
    async with serving(TelegramChannel(runtime.app).serve):
        bindings = (user.says(f"/start {code}") for user, code in zip(users, codes, strict=True))
        await all_at_once("thidua binding", bindings)
        return await timed_phase(
            "thidua forms", users, lambda user: fill_in_registration(user, typed)
        )


async def issue_invites(runtime: Runtime, count: int) -> list[str]:
    """A new school for each principal (the shipped plan has only 35 units), with a head's
    invite code for it."""
    print(f"thidua: creating {count} schools and invite codes", file=sys.stderr)
    codes = []
    async with runtime.db.unit_of_work() as session:
        units = UnitRepository(session)
        office = await units.by_code(DISTRICT_OFFICE)
        for number in range(1, count + 1):
            school = await units.upsert(
                code=f"BENCH-{number:04d}",
                name=f"Trường bench {number}",
                kind="school",
                block="district",
                parent=office,
            )
            issued = await create_invite(
                session,
                runtime.clock,
                role=Role.HEAD,
                unit_code=school.code,
                created_by="bench",
                ttl=timedelta(days=14),
            )
            codes.append(issued.code)
    return codes


def failure_reply_text(runtime: Runtime) -> str:
    anyone = Identity("telegram", "0", "0", "Bench", "vi")
    return runtime.app.failure(anyone).replies[0].text


# --------------------------------------------------------------------------- the echo bot


async def measure_echo(users_count: int, messages: int) -> Phase:
    async with StampingFakeTelegramAPI(bot_token=TEST_TOKEN) as fake:
        assert fake.base_url is not None
        users = new_users(fake, users_count)
        async with serving(lambda stop: serve_echo(fake.base_url, stop)):
            # A first message each, not counted, as thidua's users bind before the forms.
            await all_at_once("echo warm-up", (user.says(ECHO_TEXT) for user in users))
            return await timed_phase("echo", users, lambda user: echo_series(user, messages))


async def serve_echo(api_url: str, stop: asyncio.Event) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    bot = Bot(token=TEST_TOKEN, session=session)
    # The same polling settings as thidua's runner.
    polling = asyncio.create_task(echo_dispatcher.start_polling(bot, handle_signals=False))
    await stop.wait()
    await echo_dispatcher.stop_polling()
    await polling


# --------------------------------------------------------------------------- the report


def percentile(values: list[float], which: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[which - 1]


def summarise(principals: int, typed: bool, ours: ThiduaRun, echo: Phase) -> dict:
    thidua = ours.phase
    figures: dict[str, Any] = {"principals": principals, "typed": typed}
    for prefix, phase in (("", thidua), ("echo_", echo)):
        figures |= {
            f"{prefix}forms_per_s": round(phase.per_s, 2),
            f"{prefix}p50_step_ms": round(percentile(phase.step_ms, 50), 1),
            f"{prefix}p99_step_ms": round(percentile(phase.step_ms, 99), 1),
            f"{prefix}max_step_ms": round(max(phase.step_ms), 1),
            f"{prefix}wall_s": round(phase.wall_s, 2),
        }
    # The verdicts use the ratios as printed, so that no reader sees "0.50x" called a miss.
    throughput_ratio = round(figures["forms_per_s"] / figures["echo_forms_per_s"], 2)
    p99_ratio = round(figures["p99_step_ms"] / figures["echo_p99_step_ms"], 2)
    return figures | {
        "throughput_ratio": throughput_ratio,
        "p99_ratio": p99_ratio,
        "goal_throughput_ratio": GOAL_THROUGHPUT_RATIO,
        "goal_p99_ratio": GOAL_P99_RATIO,
        "throughput_goal_met": throughput_ratio >= GOAL_THROUGHPUT_RATIO,
        "p99_goal_met": p99_ratio <= GOAL_P99_RATIO,
        "steps_per_form": thidua.steps_per_form,
        "lost": thidua.lost,
        "echo_lost": echo.lost,
        "error_replies": ours.error_replies,
    }


def print_report(figures: dict) -> None:
    answers = "typed answers" if figures["typed"] else "buttons"
    print()
    print(
        f"{figures['principals']} principals at once, {figures['steps_per_form']} steps a form "
        f"({answers}); the echo bot gets as many messages"
    )
    print(f"{'':10} {'forms/s':>8} {'wall s':>7}   {'step latency ms':^23}   {'lost':>5}")
    print(f"{'':10} {'':>8} {'':>7}   {'p50':>7} {'p99':>7} {'max':>7}")
    for label, prefix in (("thidua", ""), ("echo bot", "echo_")):
        print(
            f"{label:10} {figures[f'{prefix}forms_per_s']:>8.2f} {figures[f'{prefix}wall_s']:>7.1f}"
            f"   {figures[f'{prefix}p50_step_ms']:>7.1f} {figures[f'{prefix}p99_step_ms']:>7.1f}"
            f" {figures[f'{prefix}max_step_ms']:>7.1f}   {figures[f'{prefix}lost']:>5}"
        )
    print("(a step: from the update queued at the fake to the bot's reply arriving there;")
    print(
        f" lost: a step unanswered for {STEP_TIMEOUT_SECONDS:.0f} s, or no receipt at the end;"
        f" thidua's error replies: {figures['error_replies']})"
    )
    print_verdict("throughput", figures["throughput_ratio"], GOAL_THROUGHPUT_RATIO, at_least=True)
    print_verdict("p99 step latency", figures["p99_ratio"], GOAL_P99_RATIO, at_least=False)
    print(json.dumps(figures))


def print_verdict(name: str, ratio: float, goal: float, *, at_least: bool) -> None:
    met = ratio >= goal if at_least else ratio <= goal
    sign = (">=" if met else "<") if at_least else ("<=" if met else ">")
    bound = "at least" if at_least else "at most"
    verdict = "met" if met else "MISSED"
    print(f"{name} goal ({bound} {goal}x the echo bot's): {verdict} ({ratio:.2f}x {sign} {goal}x)")


class ProblemTally(logging.Handler):
    """Counts what the bots log at WARNING and above by cause: under load one cause can repeat
    hundreds of times, and hundreds of tracebacks would bury the progress lines."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.causes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        cause = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            cause += f" ({type(error).__name__}: {str(error).splitlines()[0][:160]})"
        self.causes[cause] += 1


@contextlib.contextmanager
def summarised_bot_logs() -> Iterator[None]:
    tally = ProblemTally()
    root = logging.getLogger()
    root.addHandler(tally)  # with a handler in place, logging's last resort prints nothing
    try:
        yield
    finally:
        root.removeHandler(tally)
        for cause, count in tally.causes.most_common():
            print(f"  logged {count}x: {cause}", file=sys.stderr)


async def run(principals: int, typed: bool) -> dict | None:
    started = time.perf_counter()
    ours = await measure_thidua(principals, typed)
    if not ours.phase.completed:
        return None
    echo = await measure_echo(principals, ours.phase.steps_per_form)
    print(f"both runs took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return summarise(principals, typed, ours, echo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--principals", type=positive_int, default=500, help="users at once (default 500)"
    )
    parser.add_argument(
        "--typed", action="store_true", help="answer by typing instead of pressing buttons"
    )
    args = parser.parse_args()
    with summarised_bot_logs():
        figures = asyncio.run(run(args.principals, args.typed))
    if figures is None:
        print("forms benchmark: no form completed; nothing to compare", file=sys.stderr)
        return 1
    print_report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
