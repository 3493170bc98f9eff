def test_health_reports_stage_and_version(api):
    reply = api.get("/v1/health")
    assert reply.status == 200
    assert reply.json == {"status": "ok", "stage": "test", "version": "0.1.0"}


def test_login_then_me(api, worker):
    me = api.as_(worker).get("/v1/me")
    assert me.status == 200, me.json
    assert me.json["phone"] == "138****8001"
    assert me.json["roles"] == ["worker"]
