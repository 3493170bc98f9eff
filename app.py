"""WorkerHome API. Registers blueprints only: no logic here, and nothing heavy to import
(numpy and xgboost are loaded lazily by the scoring code)."""
from chalice import Chalice, Rate

from chalicelib.api import admin_members, admin_stations, auth, bookings, directory, me, staff, stations, system
from chalicelib.services import booking_sweep
from chalicelib.settings import settings

app = Chalice(app_name="workerhome")
app.experimental_feature_flags.update({"BLUEPRINTS"})

for blueprint in (system.bp, auth.bp, me.bp, directory.bp, admin_members.bp,
                  stations.bp, admin_stations.bp, bookings.bp, staff.bp):
    app.register_blueprint(blueprint)
if settings.is_local:
    app.register_blueprint(system.dev_bp)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="booking_sweep")
def run_booking_sweep(event: object) -> dict[str, int]:
    """Mark no-shows and lapse expired waitlist holds."""
    return booking_sweep.sweep()
