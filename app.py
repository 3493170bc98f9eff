"""WorkerHome API. Registers blueprints only: no logic here, and nothing heavy to import
(numpy and xgboost are loaded lazily by the scoring code)."""

from chalice import Chalice, Cron, Rate
from chalice.app import SQSEvent

from chalicelib.api import (
    admin_members,
    admin_stations,
    audit,
    auth,
    bookings,
    cases,
    directory,
    framework_errors,
    keys,
    me,
    membership,
    scenarios,
    score_admin,
    scoring,
    scoring_runs,
    staff,
    stations,
    system,
)
from chalicelib.runtime import runtime
from chalicelib.services import booking_sweep, case_sla, key_rotation, membership_lifecycle
from chalicelib.services import scoring_runs as runs
from chalicelib.settings import settings

app = Chalice(app_name="workerhome")
app.experimental_feature_flags.update({"BLUEPRINTS"})

for blueprint in (
    system.bp,
    auth.bp,
    me.bp,
    directory.bp,
    admin_members.bp,
    audit.bp,
    stations.bp,
    admin_stations.bp,
    bookings.bp,
    staff.bp,
    membership.bp,
    scenarios.bp,
    cases.bp,
    scoring.bp,
    score_admin.bp,
    scoring_runs.bp,
    keys.bp,
):
    app.register_blueprint(blueprint)
if settings.is_local:
    app.register_blueprint(system.dev_bp)
app.register_blueprint(framework_errors.unknown_paths)  # last: only paths no route claims
app.register_middleware(framework_errors.answer_in_our_shape, "http")


@app.schedule(Rate(5, unit=Rate.MINUTES), name="booking_sweep")
def run_booking_sweep(event: object) -> dict[str, int]:
    """Mark no-shows and lapse expired waitlist holds."""
    return booking_sweep.sweep()


@app.schedule(Rate(1, unit=Rate.DAYS), name="membership_lifecycle")
def run_membership_lifecycle(event: object) -> dict[str, int]:
    """Move members whose renewal is due into grace, and past grace into lapsed."""
    return membership_lifecycle.recalculate()


@app.schedule(Rate(15, unit=Rate.MINUTES), name="request_sla_sweep")
def run_request_sla_sweep(event: object) -> dict[str, int]:
    """Flag service requests overdue in their stage and escalate them."""
    return case_sla.sweep()


@app.schedule(Rate(15, unit=Rate.MINUTES), name="key_rotation")
def run_key_rotation(event: object) -> list[str]:
    """Advance re-encryption jobs started after a key rotation (resumes where the last run stopped)."""
    return key_rotation.advance()


@app.schedule(Cron(0, 18, "*", "*", "?", "*"), name="nightly_scoring")
def run_nightly_scoring(event: object) -> list[str]:
    """02:00 China time: a churn run and a service-demand run over every member."""
    return runs.nightly(runtime().clock.now())


@app.on_sqs_message(queue=settings.scoring_queue, batch_size=1, name="score_segment", maximum_concurrency=20)
def score_segment(event: SQSEvent) -> None:
    """One segment of a scoring run per invocation; an exception makes SQS deliver it again, and after
    scoring_max_receives deliveries it goes to the dead-letter queue."""
    for record in event:
        runs.handle_segment(record.body)


@app.on_sqs_message(queue=settings.scoring_dlq, batch_size=10, name="scoring_dead_letters")
def scoring_dead_letters(event: SQSEvent) -> None:
    """Segments the queue gave up on: counted failed on their run (retry re-queues them)."""
    for record in event:
        runs.handle_dead_letter(record.body)
