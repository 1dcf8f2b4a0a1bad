"""The facts staff enter for one annual report, with validation messages in Chinese.

Facts are the only source of figures and statements in a draft: the drafter frames them in formal
wording but never adds a number of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.numbers import ARABIC, Quantity, parse_quantity
from assistant.core.report.structure import ReportStructure, load_structure
from assistant.messages import UserError

MIN_YEAR = 2000
_KNOWN_FIELDS = {"organization", "year", "indicators", "measures", "other", "shortcomings",
                 "first_responsible_person", "responsible_duties", "next_year_plans"}
# A shortcoming and its reason in one entry: “不足｜原因” (the form's 原因 field joins them so).
REASON_SEP = "｜"
DUTY_KEYS = ("study_sessions", "briefings", "court", "report_on_law", "instructions")
COUNT_DUTIES = ("study_sessions", "briefings")


def split_shortcoming(entry: str) -> tuple[str, str]:
    """(shortcoming, reason) of one entry; the reason is "" when none was given."""
    text, _, reason = str(entry).replace("|", REASON_SEP).partition(REASON_SEP)
    return text.strip(), reason.strip()


class FactsError(UserError, ValueError):
    """Facts that cannot be drafted from; ``problems`` lists every issue in Chinese."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        lines = [f"{i}. {p}" for i, p in enumerate(self.problems, 1)]
        super().__init__(f"事实材料有 {len(self.problems)} 处问题：\n" + "\n".join(lines))


class Measure(BaseModel):
    """One area of 一、主要举措和成效 in the staff's own words."""

    model_config = ConfigDict(extra="ignore")

    area: str = Field(description="举措领域，如“行政执法”，成文时作为（一）（二）小标题")
    text: str = Field("", description="该领域的总体情况")
    items: list[str] = Field(default_factory=list, description="分条目的具体工作（1. 2. …）")


class Facts(BaseModel):
    """Everything one annual 法治政府建设年度情况报告 is drafted from."""

    model_config = ConfigDict(extra="ignore")

    organization: str = Field(description="单位名称")
    year: int = Field(description="报告年度")
    indicators: dict[str, str] = Field(default_factory=dict, description="指标: 数值单位")
    measures: list[Measure] = Field(description="一、主要举措和成效")
    shortcomings: list[str] = Field(description="二、存在的不足和原因")
    first_responsible_person: list[str] = Field(description="三、第一责任人履职情况")
    responsible_duties: dict[str, str] = Field(
        default_factory=dict, description="三、第一责任人履职表单：study_sessions 会前学法次数、briefings 专题听取汇报次数、"
                                          "court 出庭应诉、report_on_law 述法、instructions 批示")
    next_year_plans: list[str] = Field(description="四、下一年度主要安排")
    other: list[str] = Field(default_factory=list, description="五、其他需要报告的情况")
    warnings: list[str] = Field(default_factory=list, exclude=True, description="非致命提示")

    def quantities(self, catalogue: Catalogue | None = None) -> dict[str, Quantity]:
        """Parsed indicator values keyed by indicator key (unparseable values are skipped)."""
        out = {}
        for key, value in self.indicators.items():
            q = parse_quantity(value)
            if q is not None:
                out[key] = q
        return out

    def all_texts(self) -> list[str]:
        """Every free text the staff entered (used to know which numbers are legitimate)."""
        texts = [self.organization, *self.indicators.values()]
        for m in self.measures:
            texts += [m.area, m.text, *m.items]
        texts += self.shortcomings + self.first_responsible_person + self.next_year_plans + self.other
        return texts + list(self.responsible_duties.values())


def _as_list(value: Any, name: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"“{name}”应为条目列表（每条一行，以“- ”开头）")
        return []
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, (str, int, float)) or not str(item).strip():
            problems.append(f"“{name}[{i}]”为空或不是文字")
        else:
            out.append(str(item).strip())
    return out


def _check_year(value: Any, problems: list[str]) -> int | None:
    if value is None or str(value).strip() == "":
        problems.append("“year”（报告年度）不能为空，请写成四位数年份，例如 2023")
        return None
    try:
        year = int(str(value).strip().rstrip("年"))
    except ValueError:
        problems.append(f"“year”（报告年度）应为四位数年份，例如 2023，现为“{value}”")
        return None
    latest = dt.date.today().year + 1
    if not MIN_YEAR <= year <= latest:
        problems.append(f"“year”为 {year}，超出合理范围（{MIN_YEAR}–{latest}）")
        return None
    return year


def _unit_problem(name: str, text: str, ind: Any) -> str:
    unit = ind.default_unit if ind else "次"
    number = re.match(rf"\s*(?:近|约)?({ARABIC})\s*(?:余|多)?", text)
    if number is None:
        return f"“indicators.{name}”的值“{text}”无法识别：请写成数值加单位，例如“10{unit}”"
    rest = text[number.end():].strip()
    if not rest:
        return f"“indicators.{name}”缺少单位：请写成“{number.group(1)}{unit}”"
    return f"“indicators.{name}”的单位“{rest}”无法识别：请写成“{number.group(1)}{unit}”"


def _check_indicators(value: Any, catalogue: Catalogue, problems: list[str], warnings: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append("“indicators”应为“指标: 数值单位”的映射，例如“行政检查: 620人次”")
        return {}
    out: dict[str, str] = {}
    for raw_key, raw in value.items():
        name, text = str(raw_key).strip(), "" if raw is None else str(raw).strip()
        ind = catalogue.get(name)
        key = ind.key if ind else name
        if not text:
            problems.append(f"“indicators.{name}”没有填写数值")
            continue
        q = parse_quantity(text)
        if q is None:
            problems.append(_unit_problem(name, text, ind))
            continue
        if ind is None:
            warnings.append(f"“indicators.{name}”不在指标目录中，将按原样写入报告")
        elif q.unit not in ind.units:
            problems.append(f"“indicators.{name}”的单位“{q.unit}”不适用，可用单位：{'、'.join(ind.units)}")
            continue
        if key in out:
            problems.append(f"“indicators.{name}”与“{key}”重复")
            continue
        out[key] = text
    return out


def _shortcomings(value: Any, problems: list[str]) -> Any:
    """Entries written as {不足/text, 原因/reason} become “不足｜原因” strings."""
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        if isinstance(item, dict):
            text = str(item.get("text") or item.get("不足") or "").strip()
            reason = str(item.get("reason") or item.get("原因") or "").strip()
            out.append(f"{text}{REASON_SEP}{reason}" if reason else text)
        else:
            out.append(item)
    return out


def _check_duties(value: Any, problems: list[str]) -> dict[str, str]:
    if not value:
        return {}
    if not isinstance(value, dict):
        problems.append("“responsible_duties”应为“栏目: 内容”的映射，例如“study_sessions: 6”")
        return {}
    out = {}
    for key, raw in value.items():
        text = "" if raw is None else str(raw).strip()
        if key not in DUTY_KEYS:
            problems.append(f"“responsible_duties.{key}”不是已知栏目（{'、'.join(DUTY_KEYS)}）")
        elif text and key in COUNT_DUTIES and not text.isdigit():
            problems.append(f"“responsible_duties.{key}”应填次数（数字），现为“{text}”")
        elif text:
            out[key] = text
    return out


def _check_measures(value: Any, problems: list[str]) -> list[dict]:
    if not value:
        problems.append("“measures”（一、主要举措和成效）至少需要填写一项")
        return []
    if not isinstance(value, list):
        problems.append("“measures”应为列表，每项包含 area（领域）和 text（内容）")
        return []
    out = []
    for i, m in enumerate(value, 1):
        if not isinstance(m, dict):
            problems.append(f"“measures[{i}]”应包含 area（领域）和 text（内容）")
            continue
        area = str(m.get("area") or "").strip()
        text = str(m.get("text") or "").strip()
        items = _as_list(m.get("items"), f"measures[{i}].items", problems)
        if not area:
            problems.append(f"“measures[{i}].area”（举措领域）不能为空")
        if not text and not items:
            problems.append(f"“measures[{i}].text”（举措内容）不能为空")
        out.append({"area": area, "text": text, "items": items})
    return out


def facts_from_dict(data: Any, catalogue: Catalogue | None = None,
                    structure: ReportStructure | None = None) -> Facts:
    """Validate raw facts (from YAML, JSON or a form) and build :class:`Facts`.

    Raises:
        FactsError: listing every problem, each naming the field.
    """
    if not isinstance(data, dict):
        raise FactsError("事实材料应为“字段: 值”的映射（YAML 或 JSON 对象）")
    catalogue = catalogue or load_catalogue()
    structure = structure or load_structure()
    problems: list[str] = []
    warnings = [f"未知字段“{k}”已忽略" for k in data if k not in _KNOWN_FIELDS]
    organization = str(data.get("organization") or "").strip()
    if not organization:
        problems.append("“organization”（单位名称）不能为空")
    year = _check_year(data.get("year"), problems)
    indicators = _check_indicators(data.get("indicators"), catalogue, problems, warnings)
    measures = _check_measures(data.get("measures"), problems)
    duties = _check_duties(data.get("responsible_duties"), problems)
    lists = {}
    for spec in structure.sections:
        name = spec.facts_field
        if not name or name == "measures":
            continue
        raw = _shortcomings(data.get(name), problems) if name == "shortcomings" else data.get(name)
        lists[name] = _as_list(raw, name, problems)
        if spec.required and not lists[name] and not (name == "first_responsible_person" and duties):
            problems.append(f"“{name}”（{spec.label}）至少需要填写一项")
    if problems:
        raise FactsError(problems)
    facts = Facts(organization=organization, year=year, indicators=indicators, measures=measures,
                  responsible_duties=duties, **lists)
    facts.warnings = warnings + consistency_warnings(facts, catalogue)
    return facts


def consistency_warnings(facts: Facts, catalogue: Catalogue | None = None) -> list[str]:
    """Warn when a measure text states a different value than the indicator of the same name."""
    catalogue = catalogue or load_catalogue()
    warnings = []
    for key, q in facts.quantities().items():
        ind = catalogue.get(key)
        if ind is None:
            continue
        for i, m in enumerate(facts.measures, 1):
            for text in (m.text, *m.items):
                hit = ind.find(text)
                if hit and not hit[2].same_as(q):
                    warnings.append(f"“measures[{i}]”中写的是“{hit[2].text}”，与“indicators.{key}”的“{q.text}”不一致，请核对")
    return warnings


def load_facts(path: Path | str, catalogue: Catalogue | None = None,
               structure: ReportStructure | None = None) -> Facts:
    """Read facts from a YAML or JSON file.

    Raises:
        FactsError: file missing, unparseable, or invalid facts (every problem listed).
    """
    path = Path(path)
    if not path.is_file():
        raise FactsError(f"找不到事实材料文件：{path}")
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise FactsError(f"无法解析 {path.name}：{exc}") from exc
    return facts_from_dict(data, catalogue, structure)


def facts_to_yaml(facts: Facts, header: str | None = None) -> str:
    """Serialise facts as YAML (Chinese kept readable), optionally under a comment header."""
    data = facts.model_dump(exclude={"warnings"})
    data["measures"] = [
        {k: v for k, v in m.items() if v or k != "items"} for m in data["measures"]
    ]
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    if header:
        body = "".join(f"# {line}\n" for line in header.splitlines()) + body
    return body
