"""WorkerHome API. Registers blueprints only: no logic here, and nothing heavy to import
(numpy and xgboost are loaded lazily by the scoring code)."""
from chalice import Chalice, Rate

from chalicelib.api import (
    admin_members,
    admin_stations,
    auth,
    bookings,
    cases,
    directory,
    me,
    membership,
    scenarios,
    score_admin,
    scoring,
    staff,
    stations,
    system,
)
from chalicelib.services import booking_sweep, case_sla, membership_lifecycle
from chalicelib.settings import settings

app = Chalice(app_name="workerhome")
app.experimental_feature_flags.update({"BLUEPRINTS"})

for blueprint in (system.bp, auth.bp, me.bp, directory.bp, admin_members.bp,
                  stations.bp, admin_stations.bp, bookings.bp, staff.bp, membership.bp,
                  scenarios.bp, cases.bp, scoring.bp, score_admin.bp):
    app.register_blueprint(blueprint)
if settings.is_local:
    app.register_blueprint(system.dev_bp)


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
