"""GET /v1/vocabulary: the lists the front ends pick from, one fetch, no sign-in, every word in zh and en."""


def test_vocabulary_lists_cities_worker_groups_and_categories_with_both_names(api):
    reply = api.get("/v1/vocabulary")
    assert reply.status == 200
    assert set(reply.json) == {"cities", "worker_groups", "categories"}
    for terms in reply.json.values():
        assert terms and all(set(t) == {"code", "name_zh", "name_en"} and t["name_zh"] and t["name_en"] for t in terms)
    assert reply.json["cities"] == api.get("/v1/cities").json
    assert {"code": "certification", "name_zh": "技能认定", "name_en": "Skill certification"} in reply.json[
        "categories"
    ]
    assert reply.json["worker_groups"][0] == {
        "code": "delivery_rider",
        "name_zh": "外卖骑手",
        "name_en": "Delivery rider",
    }


def test_every_listed_group_and_city_is_one_a_profile_accepts(api, worker):
    words = api.get("/v1/vocabulary").json
    for group in words["worker_groups"]:
        assert api.as_(worker).patch("/v1/me", {"worker_group": group["code"]}).status == 200, group
    for city in words["cities"]:
        assert api.as_(worker).patch("/v1/me", {"city": city["code"]}).status == 200, city
