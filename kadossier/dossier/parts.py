"""The parts of a dossier as pydantic models: background, people, projects, competitors, visits, sources.

Every field has a one-line docstring (it becomes the field's description in the JSON Schema and the
README's reference); unknown keys are errors. Values derived from one part live on that part.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator
from pydantic_core import PydanticCustomError

from kadossier.dossier.custom import Custom
from kadossier.dossier.fields import Id, IsoDate, MoneyField, Name, Phone, Since, Text, Url, When
from kadossier.dossier.vocab import (
    ActionStatus,
    Attitude,
    Channel,
    DepartmentKind,
    Level,
    Organization,
    ProjectStatus,
    Rating,
    Relationship,
    Role,
    Stage,
    VisitKind,
    VisitStatus,
)
from kadossier.i18n import tr

MAX_LIST = 1000
"""Most items a list inside a part may hold (the dossier's own lists have the same bound, MAX_ITEMS)."""


class Part(BaseModel):
    """Base of every part of a dossier: unknown keys are errors, field docstrings are descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False)


class Department(Part):
    """A department and its role in buying (区分使用部门、采购部门、支持部门)."""

    name: Name
    """The department's name, as people's `department` refers to it."""
    kind: DepartmentKind | None = None
    """Its role in buying: using, purchasing, support, management, other."""
    notes: Text | None = None
    """Anything else worth knowing about it."""


class InstalledProduct(Part):
    """A similar product the account already uses (同类产品安装和使用情况)."""

    product: Name
    """What is installed."""
    vendor: str | None = None
    """Who supplied it."""
    quantity: str | None = None
    """How much of it, as text (约 6000 吨/年)."""
    since: Since | None = None
    """Since when: a year, YYYY-MM or a date."""
    satisfaction: Rating | None = None
    """The account's satisfaction with it: high, medium, low."""
    notes: Text | None = None
    """Problems, renewal dates, anything else."""


class Financials(Part):
    """Financial signals (大客户信息分类表)."""

    current_ratio: float | None = Field(None, ge=0, le=1000)
    """Current assets over current liabilities (流动资产率), e.g. 1.4."""
    net_margin: float | None = Field(None, ge=-10, le=10)
    """Net profit margin as a fraction (净利润率): 0.03 is 3%."""
    payment_days: int | None = Field(None, ge=0, le=3650)
    """Days the account takes to pay (回款周期)."""
    inventory_days: int | None = Field(None, ge=0, le=3650)
    """Days of inventory (存货周期)."""


class Background(Part):
    """Who the account is (客户背景资料)."""

    organization: Organization | None = None
    """Organization form: headquarters, branch, franchise, subsidiary, government, other."""
    parent: str | None = None
    """The parent organization, for a branch or subsidiary."""
    address: str | None = None
    """Postal address."""
    website: Url | None = None
    """Web site, http:// or https://."""
    phone: Phone | None = None
    """Switchboard phone number, in quotes."""
    fax: Phone | None = None
    """Fax number, in quotes."""
    email: str | None = None
    """General email address."""
    founded: int | None = Field(None, ge=1000, le=2100)
    """Year founded."""
    employees: int | None = Field(None, ge=0, le=10_000_000)
    """Number of employees (员工)."""
    revenue: MoneyField | None = None
    """Annual revenue."""
    annual_volume: Text | None = None
    """How much of our category it buys per year (年采购量)."""
    purchase_pattern: Text | None = None
    """How and how often it buys (消费模式和消费周期)."""
    business_status: Text | None = None
    """Its business situation (经营状况)."""
    industry_status: Text | None = None
    """The state of its industry (行业基本状况)."""
    industry_position: Text | None = None
    """Its position in the industry (行业地位)."""
    departments: list[Department] = []
    """Departments by their role in buying."""
    installed_base: list[InstalledProduct] = []
    """Similar products already in use."""
    financials: Financials | None = None
    """Financial signals."""


class Contact(Part):
    """How to reach a person. Mobile, WeChat and personal email are private contact details."""

    office: Phone | None = None
    """Office phone, in quotes."""
    mobile: Phone | None = None
    """Mobile phone, in quotes (private)."""
    email: str | None = None
    """Work email."""
    personal_email: str | None = None
    """Personal email (private)."""
    wechat: str | None = None
    """WeChat id (private)."""


class Profile(Part):
    """Personal profile (客户个人资料): personal data of a third party, left out of redacted outputs."""

    age: str | None = None
    """Age or age range, as text (50 多岁)."""
    birthday: str | None = None
    """Birthday, as text (03-15)."""
    hometown: str | None = None
    """Hometown (家乡)."""
    family: Text | None = None
    """Family situation (家庭状况)."""
    education: Text | None = None
    """Education (文化程度)."""
    interests: Text | None = None
    """Hobbies and entertainment."""
    sports: Text | None = None
    """Favourite sports."""
    food: Text | None = None
    """Food and restaurants they like."""
    drinking: Text | None = None
    """Drinking habits."""
    pets: Text | None = None
    """Pets."""
    books: Text | None = None
    """Books and reading."""
    schedule: Text | None = None
    """Schedule and habits (行程)."""
    personality: Text | None = None
    """Personality and working style."""
    relations: Text | None = None
    """Relations with colleagues."""
    career_goals: Text | None = None
    """This year's work goals (今年的工作目标)."""
    ambitions: Text | None = None
    """Personal development plans and ambitions (个人发展计划和志向)."""
    notes: Text | None = None
    """Anything else personal."""


class Person(Part):
    """A key person in the decision chain (决策链)."""

    id: Id
    """Unique id, referred to by reports_to, projects and visits."""
    name: Name
    """Full name."""
    title: str | None = None
    """Job title."""
    department: str | None = None
    """Department (职能)."""
    level: Level | None = None
    """Level: operating, management, executive."""
    reports_to: Id | None = None
    """Id of the person this one reports to (组织结构图)."""
    roles: list[Role] = []
    """Buying roles: decision_maker, influencer, user, technical, purchasing, coach."""
    influence: Rating | None = None
    """Influence on the decision: high, medium, low."""
    attitude: Attitude | None = None
    """Attitude toward us: champion, supporter, neutral, skeptic, opponent."""
    relationship: Relationship | None = None
    """Relationship stage with us: none, acquainted, met, recognized, trusted, allied."""
    last_contact: IsoDate | None = None
    """Date of our last contact with this person."""
    target: Relationship | None = None
    """The relationship stage we aim for with this person (认识 -> 约会 -> 认同 -> 信赖 -> 同盟)."""
    approach: Text | None = None
    """How we get to the target: the next step up, what this person gains (private: not in redacted outputs)."""
    contact: Contact | None = None
    """Phone numbers, email, WeChat."""
    profile: Profile | None = None
    """Personal profile (sensitive)."""
    notes: Text | None = None
    """What we know about their position and views."""
    custom: Custom = {}
    """The workspace's own fields (declared in mkdocs.yml, option custom_fields), by name."""

    @property
    def won_over(self) -> bool:
        """Whether our relationship is at 'recognized' or better (the bar the weak-decision-maker flag sets)."""
        return self.relationship is not None and self.relationship.rank >= Relationship.RECOGNIZED.rank

    @property
    def below_target(self) -> bool:
        """Whether a `target` is set and our relationship has not reached it yet."""
        stage = self.relationship or Relationship.NONE
        return self.target is not None and stage.rank < self.target.rank


class Milestone(Part):
    """A date in a project's procurement timeline (采购时间表)."""

    date: IsoDate
    """When."""
    event: Name
    """What happens."""
    done: bool = False
    """Whether it has happened."""


def effective_win_rate(win_rate: int | None, stage: Stage) -> int:
    """A project's win rate in percent: its own `win_rate` if given, else its stage's default (one definition,
    for the projects of today and for those of the past, kadossier.history.trends)."""
    return win_rate if win_rate is not None else stage.win_rate


def weighted(amount: float, win_rate: int) -> float:
    """An amount weighted by a win rate in percent: what the weighted pipeline adds up."""
    return amount * win_rate / 100


class Project(Part):
    """A project or opportunity at the account (项目资料)."""

    id: Id
    """Unique id, referred to by visits."""
    name: Name
    """What the project is called."""
    stage: Stage
    """Sales stage: interest, trust, design, compare, commit, use."""
    status: ProjectStatus = ProjectStatus.OPEN
    """open, won, lost or dropped."""
    win_rate: int | None = Field(None, ge=0, le=100)
    """Win rate in percent; overrides the stage's default."""
    reason: Text | None = None
    """Why it was won, lost or dropped."""
    plan: Text | None = None
    """The account's procurement plan (采购计划)."""
    problem: Text | None = None
    """The problem the project must solve (要解决什么问题)."""
    special_needs: Text | None = None
    """Special requirements (特殊需求)."""
    budget: MoneyField | None = None
    """The account's budget (采购预算)."""
    value: MoneyField | None = None
    """What the project is worth to us."""
    close_date: IsoDate | None = None
    """Expected decision date."""
    process: Text | None = None
    """Procurement process (采购流程): tender, system procurement, direct purchase..."""
    timeline: list[Milestone] = []
    """Procurement timeline."""
    decision_makers: list[Id] = []
    """Ids of the people who decide."""
    influencers: list[Id] = []
    """Ids of the people who influence the decision."""
    competitors: list[Id] = []
    """Ids of the competitors in this project."""
    won_against: list[Id] = []
    """Ids of the competitors we beat to it (a won project)."""
    lost_to: Id | None = None
    """Id of the competitor that won it (a lost project)."""
    next_steps: Text | None = None
    """What we do next."""
    notes: Text | None = None
    """Anything else."""
    custom: Custom = {}
    """The workspace's own fields (declared in mkdocs.yml, option custom_fields), by name."""

    @property
    def effective_win_rate(self) -> int:
        """The win rate in percent: `win_rate` if given, else the stage's default."""
        return effective_win_rate(self.win_rate, self.stage)

    @property
    def weighted_value(self) -> float | None:
        """Value times win rate, in the value's currency; None without a value."""
        return None if self.value is None else weighted(self.value.amount, self.effective_win_rate)

    @property
    def is_open(self) -> bool:
        """Whether the project is still being pursued."""
        return self.status is ProjectStatus.OPEN


class Rep(Part):
    """A competitor's sales representative at the account."""

    name: str | None = None
    """Name (销售代表的名字)."""
    style: Text | None = None
    """Selling style (销售特点)."""
    relationship: Text | None = None
    """Relationship with the account (与客户的关系)."""


class Competitor(Part):
    """A competitor present at the account (竞争对手资料)."""

    id: Id
    """Unique id, referred to by projects."""
    ref: Id | None = None
    """Id of the company's profile in the workspace's competitors.yaml; the profile shows beside this entry."""
    name: Name | None = None
    """The competitor's name (may be left out with `ref`: the profile's name is used)."""
    products: Text | None = None
    """What the account uses from them (产品使用情况)."""
    satisfaction: Rating | None = None
    """The account's satisfaction with them: high, medium, low."""
    rep: Rep | None = None
    """Their sales representative."""
    history: Text | None = None
    """Their history with the account (合作历史)."""
    strengths: Text | None = None
    """Their strengths (优势)."""
    weaknesses: Text | None = None
    """Their weaknesses (劣势)."""
    notes: Text | None = None
    """Anything else."""
    custom: Custom = {}
    """The workspace's own fields (declared in mkdocs.yml, option custom_fields), by name."""

    _company: CompanyProfile | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _named(self) -> Competitor:
        if self.name is None and self.ref is None:
            raise PydanticCustomError(
                "competitor_name",
                tr("which competitor is it? Add 'name: NAME', or 'ref: ID' for a profile in competitors.yaml"),
            )
        return self

    @property
    def company(self) -> CompanyProfile | None:
        """The workspace's profile of the company `ref` names (None: no `ref`, or not looked up yet)."""
        return self._company

    @property
    def title(self) -> str:
        """How the competitor reads: its own name here, else its profile's name, else its `ref`."""
        if self.name:
            return self.name
        if self._company is not None:
            return self._company.name
        return self.ref or self.id


class CompanyProfile(Part):
    """A competitor as a company (竞争对手的经营情况), in the workspace's competitors.yaml, shared by every dossier."""

    id: Id
    """Unique id; a dossier's competitor refers to it with `ref`."""
    name: Name
    """The company's name."""
    aliases: list[Name] = []
    """Other names it goes by (a dossier's competitor with one of these names is offered the `ref`)."""
    website: Url | None = None
    """Its website."""
    products: Text | None = None
    """What it sells."""
    market: Text | None = None
    """Its market and position (经营情况、竞争地位)."""
    strengths: Text | None = None
    """Its strengths as a company."""
    weaknesses: Text | None = None
    """Its weaknesses as a company."""
    notes: Text | None = None
    """Anything else."""


class Swot(Part):
    """Our SWOT at this account."""

    strengths: Text | None = None
    """Our strengths here."""
    weaknesses: Text | None = None
    """Our weaknesses here."""
    opportunities: Text | None = None
    """Opportunities."""
    threats: Text | None = None
    """Threats."""


class ValueAssessment(Part):
    """What the account is worth to us (价值评估), each criterion scored 1-5."""

    purchase: int | None = Field(None, ge=1, le=5)
    """Total purchase amount, 1-5."""
    growth: int | None = Field(None, ge=1, le=5)
    """Incremental and cross purchase potential, 1-5."""
    intangible: int | None = Field(None, ge=1, le=5)
    """Intangible value: reputation, information, scale, 1-5."""
    cost_to_serve: int | None = Field(None, ge=1, le=5)
    """Cost to serve, 1-5 (higher costs more)."""
    risk: int | None = Field(None, ge=1, le=5)
    """Credit and payment risk, 1-5 (higher is riskier)."""
    notes: Text | None = None
    """Reasoning behind the scores."""

    @property
    def score(self) -> float | None:
        """Mean of the criteria on 1-5, cost and risk counted inverted (6 - x); None if none scored."""
        gains = [v for v in (self.purchase, self.growth, self.intangible) if v is not None]
        costs = [6 - v for v in (self.cost_to_serve, self.risk) if v is not None]
        scores = gains + costs
        return round(sum(scores) / len(scores), 2) if scores else None


class Objection(Part):
    """An objection we expect, and our answer (异议处理)."""

    objection: Name
    """What they may say."""
    response: Text | None = None
    """How we answer."""


class Commitment(Part):
    """A promise made at a visit (兑现对客户的许诺): ours (an `owner`) or theirs (a `person`), due by a date."""

    what: Name
    """What was promised."""
    owner: Name | None = None
    """Who on our side promised it, by name: our promise."""
    person: Id | None = None
    """Who on their side promised it, by person id: their promise."""
    due: IsoDate | None = None
    """By when."""
    status: ActionStatus = ActionStatus.OPEN
    """open, done or dropped."""
    id: Id | None = None
    """An id, to close it from the command line and keep its calendar entry stable."""

    @model_validator(mode="after")
    def _one_side(self) -> Commitment:
        if self.owner is None and self.person is None:
            raise PydanticCustomError(
                "commitment_side",
                tr("whose promise is it? Add 'owner: NAME' (ours, by name) or 'person: ID' (theirs, by person id)"),
            )
        if self.owner is not None and self.person is not None:
            raise PydanticCustomError(
                "commitment_side",
                tr(
                    "a commitment is either ours ('owner') or theirs ('person'), not both: "
                    "keep one, and write the other promise as a commitment of its own"
                ),
            )
        return self

    @property
    def ours(self) -> bool:
        """Whether we promised it (else they did)."""
        return self.owner is not None

    def key(self, visit_id: str) -> str:
        """Its id, or a key made from the visit and what was promised: it stays when the list is reordered."""
        if self.id is not None:
            return self.id
        return "c-" + hashlib.sha1(f"{visit_id}\n{self.what}".encode()).hexdigest()[:10]


def _commitments_kind(value: Any) -> str:
    """A list of mappings is structured commitments; text (or a list of texts) is the older free form."""
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return COMMITMENT_LIST
    if isinstance(value, Commitment) or (isinstance(value, list) and any(isinstance(i, Commitment) for i in value)):
        return COMMITMENT_LIST
    return COMMITMENT_TEXT


COMMITMENT_LIST, COMMITMENT_TEXT = "commitment-list", "commitment-text"
"""The tags pydantic puts in an error's location inside `commitments` (the validator drops them)."""

Commitments = Annotated[
    Annotated[list[Commitment], Field(max_length=MAX_LIST), Tag(COMMITMENT_LIST)]
    | Annotated[Text, Tag(COMMITMENT_TEXT)],
    Discriminator(_commitments_kind),
]
"""Free text, as before, or a list of commitments."""


class VisitRecord(Part):
    """What happened, written right after the visit (客户拜访记录表)."""

    outcome: Text | None = None
    """The result of the visit."""
    learned: Text | None = None
    """What we learned."""
    commitments: Commitments | None = None
    """What either side promised: text, or a list of commitments (what, owner or person, due, status)."""
    next_steps: Text | None = None
    """What happens next."""
    follow_up: IsoDate | None = None
    """Date of the follow-up."""
    objections: list[Objection] = []
    """The objections they actually raised, with the answer we gave (异议处理)."""

    @property
    def promises(self) -> list[Commitment]:
        """The structured commitments (none when `commitments` is text)."""
        listed = self.commitments if isinstance(self.commitments, list) else []
        return [c for c in listed if isinstance(c, Commitment)]


class Visit(Part):
    """A visit, call, meeting or event: its plan before and its record after (拜访)."""

    id: Id
    """Unique id, e.g. 2026-11-28-workshop."""
    date: When
    """Date, optionally with a time: 2026-11-28 or 2026-11-28 10:00."""
    duration: int | None = Field(None, ge=1, le=24 * 60)
    """How long it takes, in minutes (the calendar's end time)."""
    confirmed: bool | None = None
    """Whether the appointment is agreed with them (电话预约); absent: not known to be confirmed."""
    kind: VisitKind = VisitKind.VISIT
    """visit, call, meeting, event, other."""
    status: VisitStatus = VisitStatus.PLANNED
    """planned, done or cancelled."""
    location: str | None = None
    """Where."""
    objective: Text | None = None
    """What we want from this visit (没有明确目的的拜访不如不拜访)."""
    project: Id | None = None
    """Id of the project this visit serves."""
    ours: list[str] = []
    """Our attendees, by name."""
    theirs: list[Id] = []
    """Their attendees, by person id."""
    agenda: Text | None = None
    """Agenda."""
    materials: Text | None = None
    """What to bring (资料准备)."""
    questions: Text | None = None
    """Questions to ask."""
    objections: list[Objection] = []
    """Objections we expect, with answers."""
    gifts: Text | None = None
    """Gifts, if any."""
    record: VisitRecord | None = None
    """The record, filled in right after the visit."""
    notes: Text | None = None
    """Anything else."""
    custom: Custom = {}
    """The workspace's own fields (declared in mkdocs.yml, option custom_fields), by name."""

    @property
    def day(self) -> dt.date:
        """The visit's calendar day."""
        return self.date.date() if isinstance(self.date, dt.datetime) else self.date

    @property
    def sort_key(self) -> dt.datetime:
        """Date and time for ordering; a visit without a time sorts first on its day."""
        return (
            self.date
            if isinstance(self.date, dt.datetime)
            else dt.datetime(self.day.year, self.day.month, self.day.day)
        )


class Action(Part):
    """A step of the account plan (行动计划): who on our side does what, by when."""

    id: Id
    """Unique id among the account's actions."""
    what: Name
    """What is to be done."""
    owner: Name | None = None
    """Who on our side does it, by name."""
    due: IsoDate | None = None
    """By when."""
    status: ActionStatus = ActionStatus.OPEN
    """open, done or dropped."""
    project: Id | None = None
    """Id of the project it serves."""
    with_: list[Id] = Field(default=[], alias="with", max_length=MAX_LIST)
    """Their people it involves, by person id."""
    notes: Text | None = None
    """Anything else."""


class Source(Part):
    """Where an important fact came from, and when (资料收集渠道)."""

    what: Name
    """The fact or topic."""
    channel: Channel | None = None
    """website, annual_report, database, industry_site, exhibition, customer, ..."""
    date: IsoDate | None = None
    """When it was learned."""
    reliability: Rating | None = None
    """How reliable it is: high, medium, low."""
    url: Url | None = None
    """A web address for it."""
    note: Text | None = None
    """Detail about the source."""
