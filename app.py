"""WorkerHome API. Registers blueprints only: no logic here, and nothing heavy to import
(numpy and xgboost are loaded lazily by the scoring code)."""
from chalice import Chalice

from chalicelib.api import admin_members, auth, directory, me, system
from chalicelib.settings import settings

app = Chalice(app_name="workerhome")
app.experimental_feature_flags.update({"BLUEPRINTS"})

for blueprint in (system.bp, auth.bp, me.bp, directory.bp, admin_members.bp):
    app.register_blueprint(blueprint)
if settings.is_local:
    app.register_blueprint(system.dev_bp)
