// Texts the shared modules use (ui.js, dates.js, schema_form.js, vocabulary.js) and the station words both
// front ends show (kinds, amenities): one dictionary per language, the same keys in both
// (tests/unit/test_front_texts.py checks it). Keys are "area.name" in snake_case; a code from the API stays
// as it is ("weekday.mon").
import { register } from "./i18n.js";

const zh = {
  "common.loading": "加载中…",
  "common.retry": "重试",
  "common.close": "关闭",
  "common.empty": "暂无内容",
  "common.cancel": "取消",
  "common.save": "保存",
  "common.submit": "提交",
  "common.none": "—",

  "error.title": "出错了",
  "error.network_error": "网络连接失败，请检查网络后重试",
  "error.timeout": "网络太慢，请求超时，请重试",
  "error.unknown": "出了点问题，请稍后再试",

  "date.today": "今天",
  "date.tomorrow": "明天",

  "weekday.mon": "周一",
  "weekday.tue": "周二",
  "weekday.wed": "周三",
  "weekday.thu": "周四",
  "weekday.fri": "周五",
  "weekday.sat": "周六",
  "weekday.sun": "周日",

  "form.optional": "选填",
  "form.choose": "请选择",
  "form.submit": "提交申请",
  "form.files": "附件",
  "form.choose_files": "选择文件",
  "form.files_help": "支持 JPG、PNG、PDF，单个不超过 10 MB，最多 {max} 个",
  "form.employer_city": "单位所在城市",
  "form.note.sensitive": "加密保存",
  "form.note.range": "{min} – {max}",
  "form.note.length": "{min}–{max} 个字",
  "form.note.employer": "从单位列表中选择",

  "kind.rider_station": "骑手驿站",
  "kind.workers_home": "职工之家",
  "kind.migrant_station": "农民工服务站",
  "kind.outdoor_station": "户外劳动者驿站",

  "amenity.water": "饮用水",
  "amenity.hot_meals": "热餐",
  "amenity.microwave": "微波炉",
  "amenity.charging": "充电",
  "amenity.restroom": "卫生间",
  "amenity.rest_seats": "休息座椅",
  "amenity.lockers": "储物柜",
  "amenity.first_aid": "急救药箱",
  "amenity.wifi": "无线网络",
  "amenity.reading": "阅读角",
  "amenity.mother_baby_room": "母婴室",
};

const en = {
  "common.loading": "Loading…",
  "common.retry": "Retry",
  "common.close": "Close",
  "common.empty": "Nothing here yet",
  "common.cancel": "Cancel",
  "common.save": "Save",
  "common.submit": "Submit",
  "common.none": "—",

  "error.title": "Something went wrong",
  "error.network_error": "Could not reach the server. Check your connection and try again",
  "error.timeout": "The connection is too slow and the request timed out. Please try again",
  "error.unknown": "Something went wrong. Please try again later",

  "date.today": "Today",
  "date.tomorrow": "Tomorrow",

  "weekday.mon": "Mon",
  "weekday.tue": "Tue",
  "weekday.wed": "Wed",
  "weekday.thu": "Thu",
  "weekday.fri": "Fri",
  "weekday.sat": "Sat",
  "weekday.sun": "Sun",

  "form.optional": "optional",
  "form.choose": "Choose…",
  "form.submit": "Submit",
  "form.files": "Files",
  "form.choose_files": "Choose files",
  "form.files_help": "JPG, PNG or PDF, up to 10 MB each, at most {max}",
  "form.employer_city": "City of the employer",
  "form.note.sensitive": "Stored encrypted",
  "form.note.range": "{min} – {max}",
  "form.note.length": "{min}–{max} characters",
  "form.note.employer": "Chosen from the employer list",

  "kind.rider_station": "Riders' station",
  "kind.workers_home": "Workers' Home",
  "kind.migrant_station": "Migrant workers' station",
  "kind.outdoor_station": "Outdoor workers' station",

  "amenity.water": "Water",
  "amenity.hot_meals": "Hot meals",
  "amenity.microwave": "Microwave",
  "amenity.charging": "Charging",
  "amenity.restroom": "Restroom",
  "amenity.rest_seats": "Seats",
  "amenity.lockers": "Lockers",
  "amenity.first_aid": "First aid",
  "amenity.wifi": "Wi-Fi",
  "amenity.reading": "Reading",
  "amenity.mother_baby_room": "Mother & baby room",
};

register({ "zh-CN": zh, en });
