"""Reminders on a fake clock: on time, exactly once, only to units that still owe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.channel import Delivery, SendResult
from bot.db.database import Database
from bot.db.models import (
    ChannelIdentity,
    OutboxMessage,
    Role,
    SubmissionStatus,
    Unit,
)
from bot.services.messaging import reminders
from scheduler import Jobs
from tests.conftest import VIETNAM
from tests.helpers import Person, issue_code, record_submission

OWING = "THPT-VIET-TRI"
SUBMITTING = "THPT-HA-HOA"


async def bind(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def run_until(jobs: Jobs, clock, until: datetime, step=timedelta(hours=1)) -> None:
    """Move the clock step by step, running the jobs as the scheduler would."""
    while clock.now() < until:
        clock.advance(step)
        await jobs.remind()
        await jobs.deliver()


PHASE1 = "(giai đoạn 1)"
REGISTRATION = "Đăng ký thi đua"
THE_21ST = datetime(2016, 10, 21, 0, 0, tzinfo=VIETNAM)


async def test_each_owing_member_gets_exactly_the_configured_reminders(app, clock, jobs, sender):
    head, member = (
        await bind(app, clock, Role.HEAD, OWING),
        await bind(app, clock, Role.MEMBER, OWING),
    )
    office = await bind(app, clock, Role.OFFICE)

    await run_until(jobs, clock, THE_21ST)

    # 14, 7, 3 and 1 days before the 20/10 cut-off, and on the day: five, for each report due.
    for person in (head, member):
        assert sender.reminders_to(person, PHASE1) == 5
        assert sender.reminders_to(person, REGISTRATION) == 5
    assert sender.reminders_to(office, "") == 0
    assert {chat for chat, _ in sender.delivered} == {
        head.identity.chat_id,
        member.identity.chat_id,
    }


async def test_a_unit_that_submits_gets_no_more_reminders_for_that_report(app, clock, jobs, sender):
    principal = await bind(app, clock, Role.HEAD, SUBMITTING)
    await run_until(jobs, clock, datetime(2016, 10, 10, 9, 0, tzinfo=VIETNAM))
    await record_submission(app.db, clock, SUBMITTING, "phase1_report")

    await run_until(jobs, clock, THE_21ST)

    assert sender.reminders_to(principal, PHASE1) == 1  # only the one of 06/10
    assert sender.reminders_to(principal, REGISTRATION) == 5


async def test_a_returned_report_is_reminded_again(app, clock, jobs, sender):
    principal = await bind(app, clock, Role.HEAD, SUBMITTING)
    await record_submission(app.db, clock, SUBMITTING, "phase1_report", SubmissionStatus.RETURNED)
    await run_until(jobs, clock, THE_21ST)
    assert sender.reminders_to(principal, PHASE1) == 5


async def test_a_restart_in_the_middle_sends_nothing_twice(app, clock, jobs, settings, sender):
    principal = await bind(app, clock, Role.HEAD, OWING)
    await run_until(jobs, clock, datetime(2016, 10, 13, 8, 30, tzinfo=VIETNAM))
    await jobs.remind()  # what a start-up runs at once, right after the 08:00 slot

    restarted_db = Database(settings.database_url)
    restarted = Jobs(restarted_db, clock, settings.zone, {"telegram": sender})
    await restarted.remind()
    await restarted.deliver()
    await run_until(restarted, clock, THE_21ST)
    await restarted_db.dispose()

    assert sender.reminders_to(principal, PHASE1) == 5


async def test_downtime_is_caught_up_with_one_reminder_not_one_per_missed_slot(
    app, clock, jobs, sender
):
    principal = await bind(app, clock, Role.HEAD, OWING)
    await run_until(jobs, clock, datetime(2016, 10, 15, 0, 0, tzinfo=VIETNAM))
    clock.set(datetime(2016, 10, 18, 12, 0, tzinfo=VIETNAM))  # down until 18/10 noon

    await jobs.remind()
    await jobs.deliver()
    caught_up = sender.reminders_to(principal, PHASE1)
    await run_until(jobs, clock, THE_21ST)

    assert caught_up == 3  # 05/10 and 12/10 before, then one for the slots missed
    assert sender.reminders_to(principal, PHASE1) == 4  # and the last day's, 19/10


async def test_an_0800_reminder_is_due_at_0100_utc(app, clock, settings):
    await bind(app, clock, Role.HEAD, OWING)
    async with app.db.unit_of_work() as session:
        # 14 days before the phase-1 report's last day, 19/10.
        clock.set(datetime(2016, 10, 5, 0, 59, tzinfo=UTC))
        before = await reminders.plan(session, clock.now(), settings.zone)
        clock.set(datetime(2016, 10, 5, 1, 0, tzinfo=UTC))
        on_time = await reminders.plan(session, clock.now(), settings.zone)
    assert [r for r in before if r.slot.day == 5] == []
    assert {r.slot for r in on_time} == {datetime(2016, 10, 5, 1, 0, tzinfo=UTC)}


async def test_no_reminder_is_sent_in_the_quiet_hours(app, clock, settings):
    await bind(app, clock, Role.HEAD, OWING)
    async with app.db.unit_of_work() as session:
        late_evening = datetime(2016, 10, 6, 22, 0, tzinfo=VIETNAM)
        assert await reminders.plan(session, late_evening, settings.zone) == []
        next_morning = datetime(2016, 10, 7, 7, 0, tzinfo=VIETNAM)
        assert await reminders.plan(session, next_morning, settings.zone) != []


@pytest.mark.parametrize("year", [2017, 2018, 2019, 2020])
async def test_the_annual_report_reminders_recur_every_year(app, clock, settings, year):
    await bind(app, clock, Role.HEAD, OWING)
    day_before = datetime(year, 6, 4, 8, 0, tzinfo=VIETNAM)
    async with app.db.unit_of_work() as session:
        planned = await reminders.plan(session, day_before, settings.zone)
    assert f"annual-report-{year}" in {r.deadline.code for r in planned}


async def test_a_person_who_blocked_the_bot_is_marked_unreachable_and_skipped(
    app, clock, jobs, sender
):
    principal = await bind(app, clock, Role.HEAD, OWING)
    sender.answer = SendResult(Delivery.BLOCKED, error="Forbidden: bot was blocked by the user")
    await run_until(jobs, clock, datetime(2016, 10, 6, 9, 0, tzinfo=VIETNAM))
    sender.answer = SendResult(Delivery.SENT)

    await run_until(jobs, clock, THE_21ST)

    assert sender.reminders_to(principal, "") == 0
    async with app.db.unit_of_work() as session:
        identity = await session.scalar(select(ChannelIdentity))
        attempts = list(await session.scalars(select(OutboxMessage.attempts)))
    assert identity.unreachable_since is not None
    assert max(attempts) == 1  # a blocked chat is not retried


async def test_429_waits_as_asked_and_5xx_backs_off(app, clock, jobs, sender):
    principal = await bind(app, clock, Role.HEAD, OWING)
    sender.answer = SendResult(Delivery.RETRY, retry_after=30, error="429")
    clock.set(datetime(2016, 10, 6, 8, 0, tzinfo=VIETNAM))
    await jobs.remind()
    await jobs.deliver()
    async with app.db.unit_of_work() as session:
        waits = {
            m.next_attempt_at - clock.now() for m in await session.scalars(select(OutboxMessage))
        }
    assert waits == {timedelta(seconds=30)}

    sender.answer = SendResult(Delivery.RETRY, error="TelegramServerError")
    clock.advance(timedelta(seconds=30))
    await jobs.deliver()
    async with app.db.unit_of_work() as session:
        waits = {
            m.next_attempt_at - clock.now() for m in await session.scalars(select(OutboxMessage))
        }
    assert waits == {timedelta(seconds=2)}  # second attempt: 1 s doubled

    sender.answer = SendResult(Delivery.SENT)
    clock.advance(timedelta(seconds=2))
    await jobs.deliver()
    assert sender.reminders_to(principal, "") == 2  # phase 1 and registration, once each


async def test_the_office_digest_lists_overdue_units_and_unreachable_people(
    app, clock, jobs, sender
):
    office = await bind(app, clock, Role.OFFICE)
    blocked = await bind(app, clock, Role.HEAD, OWING)
    await record_submission(app.db, clock, SUBMITTING, "phase1_report")
    async with app.db.unit_of_work() as session:
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.user_id == blocked.identity.user_id)
        )
        identity.unreachable_since = clock.now()
        audience = len(
            list(await session.scalars(select(Unit.id).where(Unit.parent_id.is_not(None))))
        )
    clock.set(datetime(2016, 10, 21, 8, 0, tzinfo=VIETNAM))

    await jobs.morning_digest()
    await jobs.morning_digest()  # the same morning twice: one digest
    await jobs.deliver()

    digests = [text for chat, text in sender.delivered if chat == office.identity.chat_id]
    assert len(digests) == 1
    assert "(giai đoạn 1) (2016-2017) (hạn chót 19/10/2016)" in digests[0]
    assert f"{audience - 1} đơn vị chưa nộp" in digests[0]  # all but the one that submitted
    assert f"Không liên lạc được (đã chặn bot): {blocked.identity.display_name}" in digests[0]
