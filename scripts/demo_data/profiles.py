"""Team designs as data: what each demo team is meant to look like and which maturity level each
plane should reach every month under maturity.md's default criteria.

How a level is made to hold *every* month (the plateau needs 2 consecutive periods):
- every criterion at or below a plane's intended level is fed by a non-null metric that passes with
  margin each month (counts are fixed per team × month, not left to chance where it matters), on at
  least var ai_maturity__min_sample_size (5) values: a team at platform level 3 or above, or held
  below it by drift-monitoring coverage, serves five models, so its model deployments, served
  models and drift alerts reach five a month; a team at team/culture level 3 or above has seven
  incidents a month;
- the plane's next level is held by at least one criterion whose metric is non-null and fails
  each month on enough values (`blockers` names it), so the result does not depend on `if_no_data`
  handling;
- criteria further up do not matter and are left to the data.

Survey waves open in the first month of each quarter (2025-01, -04, -07, -10) so that January
already has a psych-safety score; carry-forward (3 periods) covers the two months between waves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PLANES = ("process", "platform", "team_culture", "product")


@dataclass(frozen=True)
class PlaneLevels:
    process: int
    platform: int
    team_culture: int
    product: int

    @property
    def overall(self) -> int:
        return min(self.process, self.platform, self.team_culture, self.product)

    @property
    def binding_planes(self) -> tuple[str, ...]:
        return tuple(p for p in PLANES if getattr(self, p) == self.overall)

    def as_dict(self) -> dict[str, int]:
        return {p: getattr(self, p) for p in PLANES}


@dataclass(frozen=True)
class DeliveryProfile:
    """Change delivery and incidents of a team (counts per month before size scaling)."""

    code_deploys_per_month: float
    deploy_months: tuple[int, ...] | None = None  # 1-based months with code deploys (None: all)
    pipeline_share: float = 0.9  # of primary code deploys; the rest manual…
    automated_share: float = 0.0  # …or `automated` (GitOps controllers)
    working_hours_only: bool = True
    deploy_minutes: tuple[float, float] = (6.0, 25.0)
    bad_share: float = 0.1  # primary production deploys that fail in one way or another
    min_bad_per_month: int = 0
    recovery_hours: tuple[float, float] = (2.0, 24.0)
    recovery_trigger: str = "pipeline"
    lead_time_hours: tuple[float, float] = (24.0, 120.0)
    changes_per_deploy: float = 2.0
    staging_share: float = 0.3
    cancelled_share: float = 0.04
    hotfix_share: float = 0.03  # primary code deploys flagged is_unplanned
    progressive_code_share: float = 0.0
    incidents_per_month: int = 2  # background incidents (not caused by a deployment)
    staff_detect_share: float = 0.3  # share of staff among staff+automated detections, fixed per month
    customer_share: float = 0.15
    report_delay_hours: tuple[float, float] = (1.0, 12.0)
    report_missing_share: float = 0.0
    resolve_hours: tuple[float, float] = (1.0, 12.0)
    team_id_on_events: bool = False  # the team's pipeline stamps team_id on deployments/incidents


@dataclass(frozen=True)
class MlProfile:
    """Training, monitoring, model release and serving of a team."""

    scheduled_runs_per_model_month: int = 4
    manual_runs_per_month: int = 0
    other_auto_runs_per_month: int = 0  # `new_data` / `ci` triggered
    min_finished_runs_per_month: int = 2
    reproducible_share: float = 1.0  # of finished runs per month (exact count)
    eval_gated: bool = True
    gate_fail_share: float = 0.08
    run_hours: tuple[float, float] = (0.5, 3.0)
    data_lag_hours: tuple[float, float] = (2.0, 24.0)
    monitored: str = "all"  # all | first | none
    alerts_per_model_month: int = 1
    false_alerts_per_month: int = 1
    drift_retrain: str = "none"  # auto | manual | none
    drift_retrain_delay_hours: tuple[float, float] = (1.0, 4.0)
    model_deploys_per_model_month: int = 1
    model_deploy_months: tuple[int, ...] | None = None
    deploy_after_drift_run: bool = False
    model_deploy_trigger: str = "pipeline"
    model_deploy_strategies: tuple[str, ...] = ("direct",)
    model_deploy_delay_hours: tuple[float, float] = (2.0, 12.0)
    model_deploy_gate: bool = False  # pre_deploy_eval_passed recorded
    link_training_run_share: float = 1.0
    sla_fail_share: float = 0.0  # inference windows breaking an SLO, exact count per month
    sla_min_fail: int = 0
    documented_share: float = 1.0
    documentation_fields: tuple[int, int] = (12, 12)  # completed-field range out of 12
    bias_audit_months: tuple[int, ...] = ()
    remediation_days: tuple[float, float] = (5.0, 20.0)
    explainability_per_month: float = 1.0
    fulfil_days: tuple[float, float] = (0.5, 4.0)
    unfulfilled_share: float = 0.0


@dataclass(frozen=True)
class CultureProfile:
    initial_headcount: int
    formed_recently: bool = False  # members joined the team in Dec 2024 (a re-organised team)
    hires_by_month: tuple[int, ...] = (0,) * 12
    leavers: int = 1
    onboarding_days: tuple[float, float] = (20.0, 60.0)  # join → first authored change
    role_weights: tuple[tuple[str, float], ...] = (
        ("software", 0.4), ("applied_ml", 0.2), ("data", 0.1), ("ml_platform", 0.1), ("research", 0.1),
        ("product", 0.1),
    )
    psych_target: float = 0.68
    westrum_target: float = 0.66
    wellbeing_target: float = 0.64
    respondents_by_wave: tuple[int, int, int, int] | None = None  # None: ~75 % of the active team


@dataclass(frozen=True)
class TeamProfile:
    team_id: str
    team_name: str
    org_unit: str
    created_at: str
    levels: PlaneLevels
    blockers: dict[str, str]  # plane → the criterion (metric) designed to hold it at its level
    delivery: DeliveryProfile
    ml: MlProfile
    culture: CultureProfile

    @property
    def intended_level(self) -> int:
        return self.levels.overall


@dataclass(frozen=True)
class ServiceSpec:
    service_id: str
    team_id: str  # owner on 2025-01-01
    model_name: str | None = None  # the model it serves (inference windows, model deploys)
    llm_feature: str | None = None
    availability_objective: float = 0.995
    latency_objective_ms: float = 800.0
    slo_class: str = "p3"
    base_latency_ms: float = 120.0
    requests_per_day: int = 20_000


@dataclass(frozen=True)
class OwnershipChange:
    service_id: str
    new_team_id: str
    at: str  # valid_to of the old row = valid_from of the new one (half-open intervals)


@dataclass(frozen=True)
class FeatureSpec:
    feature_name: str
    team_id: str
    is_ai_feature: bool
    user_share: float  # share of the month's active users using it (exact count)
    conversion_boost: float = 0.0  # added to a user's conversion probability when used


@dataclass(frozen=True)
class ModelSpec:
    provider_name: str
    response_model: str
    model_version: str
    usd_per_m_input: float
    usd_per_m_output: float
    ttft_ms: float
    ms_per_output_token: float
    reasoning: bool = False


@dataclass(frozen=True)
class PromptQuality:
    faithfulness_mean: float = 0.88
    hallucination_fail_share: float = 0.02
    downvote_rate: float = 0.05


@dataclass(frozen=True)
class LlmFeatureSpec:
    feature_name: str
    team_id: str
    service_id: str
    pattern: str  # chat | completion | rag | agent | mixed
    models: tuple[tuple[str, float], ...]
    traces_per_month: int
    prompt_timeline: tuple[tuple[str, str], ...]  # (live from, version); first entry is 2025-01-01
    prompt_quality: dict[str, PromptQuality] = field(default_factory=dict)
    streaming_share: float = 0.8
    retrieval_timeline: tuple[tuple[str, str], ...] = ()  # (from, retrieval_config_id) for RAG
    chunk_log_share: float = 0.1
    rag_suite: str | None = None
    rag_cases: int = 0
    citation_quality: float = 0.8
    eval_sample_share: float = 0.1  # of traces, production_sample suite
    human_review_share: float = 0.02
    min_faithfulness_evals: int = 0  # per month, production_sample + human_review
    safety_fail_share: float = 0.0  # toxicity / pii_leak evaluations failing, every suite
    adversarial_cases: int = 20  # per month
    vote_share: float = 0.12  # traces receiving an up/down vote
    min_votes: int = 6
    status_rates: tuple[tuple[str, float], ...] = (
        ("ok", 0.955), ("error", 0.015), ("timeout", 0.008), ("refused", 0.015), ("filtered", 0.007),
    )
    model_version_missing_share: float = 0.0
    null_environment_share: float = 0.05

    def quality(self, version: str) -> PromptQuality:
        return self.prompt_quality.get(version, PromptQuality())


@dataclass(frozen=True)
class IncidentScenario:
    """The seed paper's loop: a prompt release degrades a feature; the rollback target is the most
    recent earlier prompt hash whose ci_release evaluations all passed."""

    team_id: str
    feature_name: str
    service_id: str
    month: str  # period of the degradation (month of the new prompt going live)
    previous_month: str
    live_at: str
    rollback_at: str
    old_prompt_version: str
    new_prompt_version: str
    old_prompt_hash: str
    new_prompt_hash: str
    first_prompt_hash: str
    min_faithfulness_drop: float = 0.15
    min_downvote_rise: float = 0.10
    min_events_per_month: int = 40


# --------------------------------------------------------------------------------------------
# Prompt hashes (sha256 of "<feature>/<version>/system-prompt", first 16 hex chars)
PROMPT_HASHES: dict[tuple[str, str], str] = {
    ("support_assistant", "v1"): "3941416482145923",
    ("support_assistant", "v2"): "b712f9bee032d773",
    ("support_assistant", "v3"): "4c9162fe6a791734",
    ("invoice_extraction", "v1"): "69d16c84cbf0533d",
    ("invoice_extraction", "v2"): "e91f107035830f7d",
    ("listing_writer", "v1"): "c6ff3b54f4a4503c",
    ("listing_writer", "v2"): "4b094b53683d5d3e",
    ("knowledge_search", "v1"): "8042a268524f1eed",
    ("knowledge_search", "v2"): "d30286cc5b446f10",
    ("shopping_agent", "v1"): "79c6a6672174c7a5",
    ("shopping_agent", "v2"): "33e8b75b4feacd93",
    ("shopping_agent", "v3"): "4cf14c0c67e8bc6c",
    ("ops_copilot", "v1"): "19e5714d8937a14a",
    ("ops_copilot", "v2"): "1d8de9d43bfa1d02",
    ("ops_copilot", "v3"): "1b2e0c682d6fbbb2",
}

INCIDENT_SCENARIO = IncidentScenario(
    team_id="team_scaling_b",
    feature_name="support_assistant",
    service_id="svc_support_assistant",
    month="2025-09",
    previous_month="2025-08",
    live_at="2025-09-01 00:30:00",
    rollback_at="2025-10-01 08:00:00",
    old_prompt_version="v2",
    new_prompt_version="v3",
    old_prompt_hash=PROMPT_HASHES[("support_assistant", "v2")],
    new_prompt_hash=PROMPT_HASHES[("support_assistant", "v3")],
    first_prompt_hash=PROMPT_HASHES[("support_assistant", "v1")],
)

# --------------------------------------------------------------------------------------------
TEAMS: tuple[TeamProfile, ...] = (
    TeamProfile(
        team_id="team_manual",
        team_name="Risk Scoring (legacy)",
        org_unit="finance",
        created_at="2019-03-01",
        levels=PlaneLevels(process=0, platform=0, team_culture=0, product=0),
        blockers={
            "process": "deployment_frequency_per_week / pipeline_deploy_share (≤ 1 manual deploy a month)",
            "platform": "reproducible_run_share = 0 (manual, untracked runs)",
            "team_culture": "psych_safety_score suppressed (1–4 respondents, or none)",
            "product": "ai_active_users = 0 (no AI feature)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=1, deploy_months=(1, 2, 4, 6, 7, 9, 11, 12), pipeline_share=0.0,
            deploy_minutes=(40, 150), bad_share=0.3, recovery_hours=(48, 240), recovery_trigger="manual",
            lead_time_hours=(240, 900), changes_per_deploy=5, staging_share=0.0, cancelled_share=0.0,
            hotfix_share=0.0, incidents_per_month=1, staff_detect_share=0.2, customer_share=0.5,
            report_delay_hours=(48, 240), report_missing_share=0.5, resolve_hours=(24, 200),
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=0, manual_runs_per_month=2, min_finished_runs_per_month=1,
            reproducible_share=0.0, eval_gated=False, run_hours=(2, 10), data_lag_hours=(200, 900),
            monitored="none", alerts_per_model_month=0, false_alerts_per_month=0,
            model_deploys_per_model_month=1, model_deploy_months=(3, 8), model_deploy_trigger="manual",
            model_deploy_delay_hours=(48, 120), link_training_run_share=0.0, sla_fail_share=0.12,
            documented_share=0.0, explainability_per_month=0.5, fulfil_days=(5, 25), unfulfilled_share=0.4,
        ),
        culture=CultureProfile(
            initial_headcount=6, hires_by_month=(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0), leavers=1,
            onboarding_days=(40, 80), psych_target=0.42, westrum_target=0.40, wellbeing_target=0.45,
            respondents_by_wave=(3, 4, 0, 2),
            role_weights=(("data", 0.4), ("research", 0.3), ("software", 0.2), ("other", 0.1)),
        ),
    ),
    TeamProfile(
        team_id="team_tracked_a",
        team_name="Merchandising Recommendations",
        org_unit="commerce",
        created_at="2021-06-01",
        levels=PlaneLevels(process=1, platform=1, team_culture=3, product=1),
        blockers={
            "process": "automated_training_share ≈ 0.2 (manual retraining)",
            "platform": "reproducible_run_share ≈ 0.7 (< 0.9)",
            "team_culture": "psych_safety_score ≈ 0.68 (< 0.75)",
            "product": "feedback_events = 0 (no feedback UI on recommendations)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=10, pipeline_share=1.0, bad_share=0.2, recovery_hours=(8, 60),
            recovery_trigger="manual", lead_time_hours=(48, 240), changes_per_deploy=2.5, staging_share=0.3,
            cancelled_share=0.05, incidents_per_month=7, staff_detect_share=0.5, customer_share=0.15,
            report_delay_hours=(2, 16), resolve_hours=(4, 48),
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=1, manual_runs_per_month=4, min_finished_runs_per_month=4,
            reproducible_share=0.7, eval_gated=False, run_hours=(1, 4), data_lag_hours=(48, 200),
            monitored="none", alerts_per_model_month=0, false_alerts_per_month=0,
            model_deploys_per_model_month=2, model_deploy_trigger="manual", model_deploy_delay_hours=(6, 48),
            link_training_run_share=0.5, sla_fail_share=0.06, documented_share=0.6, documentation_fields=(5, 9),
            bias_audit_months=(6,), remediation_days=(30, 90), explainability_per_month=1, fulfil_days=(2, 12),
            unfulfilled_share=0.2,
        ),
        culture=CultureProfile(
            initial_headcount=9, hires_by_month=(0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0), psych_target=0.68,
            westrum_target=0.62, wellbeing_target=0.64,
        ),
    ),
    TeamProfile(
        team_id="team_tracked_b",
        team_name="ML Platform & Fraud",
        org_unit="platform",
        created_at="2020-02-01",
        levels=PlaneLevels(process=3, platform=4, team_culture=1, product=2),
        blockers={
            "process": "drift_auto_retrain_share = 0, drift_to_retrain > 24 h, recovery > 1 h",
            "team_culture": "psych_safety_score ≈ 0.45 (< 0.6)",
            "product": "ai_adoption_share ≈ 0.08 (< 0.2)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=22, pipeline_share=0.95, working_hours_only=False, bad_share=0.1,
            min_bad_per_month=1, recovery_hours=(3, 18), lead_time_hours=(24, 96), staging_share=0.4,
            progressive_code_share=0.5, incidents_per_month=2, staff_detect_share=0.1, customer_share=0.1,
            report_delay_hours=(24, 96), resolve_hours=(1, 8), team_id_on_events=True,
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=4, alerts_per_model_month=1, false_alerts_per_month=1,
            drift_retrain="manual", drift_retrain_delay_hours=(40, 90), model_deploys_per_model_month=2,
            model_deploy_strategies=("canary", "blue_green", "shadow"), model_deploy_delay_hours=(2, 8),
            model_deploy_gate=True, documentation_fields=(11, 12), bias_audit_months=(3, 6, 9, 12),
            explainability_per_month=2,
        ),
        culture=CultureProfile(
            initial_headcount=10, hires_by_month=(0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0), psych_target=0.45,
            westrum_target=0.42, wellbeing_target=0.50,
            role_weights=(("ml_platform", 0.45), ("software", 0.3), ("data", 0.15), ("applied_ml", 0.1)),
        ),
    ),
    TeamProfile(
        team_id="team_scaling_a",
        team_name="Marketplace Content",
        org_unit="commerce",
        created_at="2022-01-10",
        levels=PlaneLevels(process=2, platform=2, team_culture=3, product=3),
        blockers={
            "process": "model_deploy_automation_share = 0 (models released by hand)",
            "platform": "drift_monitoring_coverage = 0.2 (1 of 5 served models monitored)",
            "team_culture": "psych_safety_score ≈ 0.68 (< 0.75)",
            "product": "downvote_rate ≈ 0.2 (> 0.1)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=18, pipeline_share=0.9, bad_share=0.15, recovery_hours=(4, 30),
            lead_time_hours=(24, 120), staging_share=0.3, incidents_per_month=7, staff_detect_share=0.5,
            customer_share=0.1, report_delay_hours=(1, 10), resolve_hours=(2, 20),
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=2, manual_runs_per_month=1, other_auto_runs_per_month=1,
            monitored="first", alerts_per_model_month=1, false_alerts_per_month=0, drift_retrain="none",
            model_deploys_per_model_month=1, model_deploy_trigger="manual", model_deploy_delay_hours=(12, 48),
            sla_fail_share=0.02, documentation_fields=(8, 11), bias_audit_months=(5, 11),
            explainability_per_month=1, fulfil_days=(1, 6), unfulfilled_share=0.1,
        ),
        culture=CultureProfile(
            initial_headcount=11, hires_by_month=(0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0), psych_target=0.68,
            westrum_target=0.66, wellbeing_target=0.62,
        ),
    ),
    TeamProfile(
        team_id="team_scaling_b",
        team_name="Customer Support AI",
        org_unit="customer",
        created_at="2022-09-01",
        levels=PlaneLevels(process=3, platform=3, team_culture=3, product=2),
        blockers={
            "process": "drift_auto_retrain_share = 0, drift_to_retrain > 24 h, recovery > 1 h",
            "platform": "sla_adherence ≈ 0.92 (< 0.99)",
            "team_culture": "psych_safety_score ≈ 0.66 (< 0.75)",
            "product": "ai_adoption_share ≈ 0.12 (< 0.2)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=20, pipeline_share=0.95, working_hours_only=False, bad_share=0.12,
            min_bad_per_month=1, recovery_hours=(2, 16), lead_time_hours=(24, 96), staging_share=0.3,
            progressive_code_share=0.3, incidents_per_month=7, staff_detect_share=0.5, customer_share=0.15,
            report_delay_hours=(2, 16), resolve_hours=(2, 24),
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=4, alerts_per_model_month=1, false_alerts_per_month=1,
            drift_retrain="manual", drift_retrain_delay_hours=(30, 80), model_deploys_per_model_month=2,
            model_deploy_strategies=("canary", "blue_green"), model_deploy_delay_hours=(3, 12),
            model_deploy_gate=True, sla_fail_share=0.08, sla_min_fail=1, documentation_fields=(9, 12),
            bias_audit_months=(4, 10), explainability_per_month=1.5, fulfil_days=(1, 5),
        ),
        culture=CultureProfile(
            initial_headcount=10, hires_by_month=(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0), psych_target=0.66,
            westrum_target=0.63, wellbeing_target=0.60,
        ),
    ),
    TeamProfile(
        team_id="team_optimizing_a",
        team_name="Knowledge & Search",
        org_unit="customer",
        created_at="2021-11-15",
        levels=PlaneLevels(process=3, platform=3, team_culture=3, product=4),
        blockers={
            "process": "drift_to_retrain > 24 h (retrains are automated but queued), recovery > 1 h",
            "platform": "sla_adherence ≈ 0.97 (< 0.99, ≥ 0.95)",
            "team_culture": "psych_safety_score ≈ 0.70 (< 0.75)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=28, pipeline_share=0.9, automated_share=0.05, working_hours_only=False,
            bad_share=0.08, min_bad_per_month=1, recovery_hours=(1.5, 10), lead_time_hours=(8, 48),
            staging_share=0.5, progressive_code_share=0.5, incidents_per_month=7, staff_detect_share=0.5,
            customer_share=0.1, report_delay_hours=(1, 8), resolve_hours=(1, 10), team_id_on_events=True,
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=4, other_auto_runs_per_month=1, alerts_per_model_month=2,
            false_alerts_per_month=1, drift_retrain="auto", drift_retrain_delay_hours=(30, 60),
            model_deploys_per_model_month=2, model_deploy_strategies=("canary", "ab_test"),
            model_deploy_delay_hours=(2, 10), model_deploy_gate=True, sla_fail_share=0.03, sla_min_fail=1,
            documentation_fields=(11, 12), bias_audit_months=(2, 5, 8, 11), explainability_per_month=2,
        ),
        culture=CultureProfile(
            initial_headcount=12, hires_by_month=(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0), psych_target=0.70,
            westrum_target=0.70, wellbeing_target=0.66,
        ),
    ),
    TeamProfile(
        team_id="team_optimizing_b",
        team_name="Shopping Agent",
        org_unit="commerce",
        created_at="2023-02-01",
        levels=PlaneLevels(process=4, platform=3, team_culture=3, product=3),
        blockers={
            "platform": "evaluation_coverage ≈ 0.015 (< 0.05; agent traces sampled at 6 %)",
            "team_culture": "psych_safety_score ≈ 0.69 (< 0.75)",
            "product": "safety_pass_rate ≈ 0.95 (< 0.99)",
        },
        delivery=DeliveryProfile(
            code_deploys_per_month=32, pipeline_share=0.7, automated_share=0.3, working_hours_only=False,
            bad_share=0.06, min_bad_per_month=1, recovery_hours=(0.1, 0.75), recovery_trigger="automated",
            lead_time_hours=(4, 30), staging_share=0.5, progressive_code_share=0.7, incidents_per_month=7,
            staff_detect_share=0.5, customer_share=0.05, report_delay_hours=(0.5, 6), resolve_hours=(0.5, 4),
            team_id_on_events=True,
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=4, other_auto_runs_per_month=1, alerts_per_model_month=2,
            false_alerts_per_month=1, drift_retrain="auto", drift_retrain_delay_hours=(0.5, 4),
            model_deploys_per_model_month=1, deploy_after_drift_run=True, model_deploy_trigger="automated",
            model_deploy_strategies=("canary", "blue_green", "shadow"), model_deploy_delay_hours=(0.5, 3),
            model_deploy_gate=True, documentation_fields=(10, 12), bias_audit_months=(1, 4, 7, 10),
            explainability_per_month=1.5,
        ),
        culture=CultureProfile(
            initial_headcount=12, hires_by_month=(0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0), psych_target=0.69,
            westrum_target=0.70, wellbeing_target=0.65,
        ),
    ),
    TeamProfile(
        team_id="team_auto",
        team_name="Autonomous Operations",
        org_unit="platform",
        created_at="2024-12-01",
        levels=PlaneLevels(process=4, platform=4, team_culture=4, product=4),
        blockers={},
        delivery=DeliveryProfile(
            code_deploys_per_month=55, pipeline_share=0.4, automated_share=0.6, working_hours_only=False,
            deploy_minutes=(3, 12), bad_share=0.05, min_bad_per_month=1, recovery_hours=(0.1, 0.6),
            recovery_trigger="automated", lead_time_hours=(2, 20), changes_per_deploy=1.6, staging_share=0.6,
            cancelled_share=0.03, progressive_code_share=0.8, incidents_per_month=7, staff_detect_share=0.5,
            customer_share=0.0, report_delay_hours=(0.3, 4), resolve_hours=(0.2, 2), team_id_on_events=True,
        ),
        ml=MlProfile(
            scheduled_runs_per_model_month=4, other_auto_runs_per_month=2, alerts_per_model_month=2,
            false_alerts_per_month=2, drift_retrain="auto", drift_retrain_delay_hours=(0.3, 3),
            model_deploys_per_model_month=1, deploy_after_drift_run=True, model_deploy_trigger="automated",
            model_deploy_strategies=("canary", "blue_green"), model_deploy_delay_hours=(0.5, 2),
            model_deploy_gate=True, bias_audit_months=(3, 6, 9, 12), explainability_per_month=2,
            fulfil_days=(0.3, 2),
        ),
        culture=CultureProfile(
            initial_headcount=10, formed_recently=True, hires_by_month=(1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1),
            leavers=1, onboarding_days=(2, 5), psych_target=0.86, westrum_target=0.84, wellbeing_target=0.78,
            role_weights=(("software", 0.35), ("ml_platform", 0.25), ("applied_ml", 0.25), ("data", 0.1),
                          ("product", 0.05)),
        ),
    ),
)

TEAM_BY_ID: dict[str, TeamProfile] = {t.team_id: t for t in TEAMS}

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("svc_risk_batch", "team_manual", model_name="risk_scorer", availability_objective=0.99,
                latency_objective_ms=2500, slo_class="p4", base_latency_ms=900, requests_per_day=2_000),
    ServiceSpec("svc_risk_reports", "team_manual"),
    ServiceSpec("svc_recs_api", "team_tracked_a", model_name="product_recommender", latency_objective_ms=300,
                slo_class="p2", base_latency_ms=60, requests_per_day=60_000),
    ServiceSpec("svc_catalog_api", "team_tracked_a"),
    ServiceSpec("svc_fraud_api", "team_tracked_b", model_name="fraud_detector", availability_objective=0.999,
                latency_objective_ms=150, slo_class="p1", base_latency_ms=35, requests_per_day=40_000),
    ServiceSpec("svc_feature_store", "team_tracked_b"),
    ServiceSpec("svc_invoice_llm", "team_tracked_b", llm_feature="invoice_extraction"),
    ServiceSpec("svc_aml_api", "team_tracked_b", model_name="aml_screener", availability_objective=0.999,
                latency_objective_ms=300, slo_class="p1", base_latency_ms=70, requests_per_day=12_000),
    ServiceSpec("svc_chargeback_api", "team_tracked_b", model_name="chargeback_predictor", latency_objective_ms=600,
                slo_class="p3", base_latency_ms=140, requests_per_day=4_000),
    ServiceSpec("svc_kyc_api", "team_tracked_b", model_name="kyc_document_classifier", latency_objective_ms=900,
                slo_class="p3", base_latency_ms=220, requests_per_day=3_000),
    ServiceSpec("svc_takeover_api", "team_tracked_b", model_name="account_takeover_detector",
                availability_objective=0.999, latency_objective_ms=150, slo_class="p1", base_latency_ms=30,
                requests_per_day=20_000),
    ServiceSpec("svc_listing_writer", "team_scaling_a", llm_feature="listing_writer"),
    ServiceSpec("svc_pricing_api", "team_scaling_a", model_name="price_optimizer", latency_objective_ms=400,
                slo_class="p2", base_latency_ms=90, requests_per_day=25_000),
    ServiceSpec("svc_listing_ranker", "team_scaling_a", model_name="listing_ranker", latency_objective_ms=250,
                slo_class="p3", base_latency_ms=55, requests_per_day=50_000),
    ServiceSpec("svc_listing_quality", "team_scaling_a", model_name="listing_quality", latency_objective_ms=900,
                slo_class="p4", base_latency_ms=200, requests_per_day=8_000),
    ServiceSpec("svc_image_tagger", "team_scaling_a", model_name="image_tagger", latency_objective_ms=700,
                slo_class="p4", base_latency_ms=150, requests_per_day=6_000),
    ServiceSpec("svc_category_api", "team_scaling_a", model_name="category_classifier", latency_objective_ms=300,
                slo_class="p3", base_latency_ms=45, requests_per_day=10_000),
    ServiceSpec("svc_support_assistant", "team_scaling_b", llm_feature="support_assistant"),
    ServiceSpec("svc_intent_api", "team_scaling_b", model_name="intent_classifier", latency_objective_ms=200,
                slo_class="p2", base_latency_ms=45, requests_per_day=15_000),
    ServiceSpec("svc_ticket_router", "team_scaling_b", model_name="ticket_router", latency_objective_ms=500,
                slo_class="p3", base_latency_ms=110, requests_per_day=6_000),
    ServiceSpec("svc_sentiment_api", "team_scaling_b", model_name="sentiment_classifier", latency_objective_ms=300,
                slo_class="p3", base_latency_ms=50, requests_per_day=8_000),
    ServiceSpec("svc_reply_ranker", "team_scaling_b", model_name="reply_ranker", latency_objective_ms=400,
                slo_class="p3", base_latency_ms=80, requests_per_day=5_000),
    ServiceSpec("svc_language_api", "team_scaling_b", model_name="language_detector", latency_objective_ms=150,
                slo_class="p4", base_latency_ms=20, requests_per_day=10_000),
    ServiceSpec("svc_knowledge_search", "team_optimizing_a", llm_feature="knowledge_search"),
    ServiceSpec("svc_search_api", "team_optimizing_a", model_name="search_ranker", availability_objective=0.998,
                latency_objective_ms=250, slo_class="p1", base_latency_ms=60, requests_per_day=80_000),
    ServiceSpec("svc_embedding_api", "team_optimizing_a", model_name="doc_embedder", latency_objective_ms=120,
                slo_class="p3", base_latency_ms=25, requests_per_day=30_000),
    ServiceSpec("svc_query_rewriter", "team_optimizing_a", model_name="query_rewriter", latency_objective_ms=200,
                slo_class="p2", base_latency_ms=40, requests_per_day=20_000),
    ServiceSpec("svc_spelling_api", "team_optimizing_a", model_name="spelling_corrector", latency_objective_ms=100,
                slo_class="p3", base_latency_ms=15, requests_per_day=15_000),
    ServiceSpec("svc_doc_classifier", "team_optimizing_a", model_name="doc_classifier", latency_objective_ms=800,
                slo_class="p4", base_latency_ms=180, requests_per_day=2_000),
    ServiceSpec("svc_checkout", "team_optimizing_a"),
    ServiceSpec("svc_shopping_agent", "team_optimizing_b", llm_feature="shopping_agent"),
    ServiceSpec("svc_personalization", "team_optimizing_b", model_name="personalizer", latency_objective_ms=200,
                slo_class="p2", base_latency_ms=40, requests_per_day=70_000),
    ServiceSpec("svc_demand_api", "team_optimizing_b", model_name="demand_forecaster", latency_objective_ms=1500,
                slo_class="p4", base_latency_ms=300, requests_per_day=3_000),
    ServiceSpec("svc_bundle_api", "team_optimizing_b", model_name="bundle_recommender", latency_objective_ms=300,
                slo_class="p3", base_latency_ms=60, requests_per_day=12_000),
    ServiceSpec("svc_promo_api", "team_optimizing_b", model_name="promo_uplift", latency_objective_ms=600,
                slo_class="p3", base_latency_ms=120, requests_per_day=4_000),
    ServiceSpec("svc_size_api", "team_optimizing_b", model_name="size_recommender", latency_objective_ms=200,
                slo_class="p3", base_latency_ms=35, requests_per_day=9_000),
    ServiceSpec("svc_ops_copilot", "team_auto", llm_feature="ops_copilot"),
    ServiceSpec("svc_anomaly_api", "team_auto", model_name="anomaly_detector", availability_objective=0.999,
                latency_objective_ms=150, slo_class="p1", base_latency_ms=30, requests_per_day=90_000),
    ServiceSpec("svc_eta_api", "team_auto", model_name="eta_predictor", latency_objective_ms=200, slo_class="p2",
                base_latency_ms=45, requests_per_day=50_000),
    ServiceSpec("svc_capacity_api", "team_auto", model_name="capacity_planner", latency_objective_ms=1200,
                slo_class="p5", base_latency_ms=250, requests_per_day=2_500),
    ServiceSpec("svc_triage_api", "team_auto", model_name="incident_triager", latency_objective_ms=400,
                slo_class="p2", base_latency_ms=70, requests_per_day=6_000),
    ServiceSpec("svc_autoscale_api", "team_auto", model_name="autoscale_policy", availability_objective=0.999,
                latency_objective_ms=100, slo_class="p1", base_latency_ms=20, requests_per_day=30_000),
)

SERVICE_BY_ID: dict[str, ServiceSpec] = {s.service_id: s for s in SERVICES}

# A code service changes owner mid-year (the old row's valid_to equals the new row's valid_from).
OWNERSHIP_CHANGES: tuple[OwnershipChange, ...] = (
    OwnershipChange("svc_catalog_api", "team_scaling_a", "2025-07-01 00:00:00"),
)

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("app_shell", "team_tracked_b", False, 1.0),  # carries the `active` events
    FeatureSpec("risk_report_export", "team_manual", False, 0.05),
    FeatureSpec("recommendations", "team_tracked_a", True, 0.15, conversion_boost=0.02),
    FeatureSpec("wishlist", "team_tracked_a", False, 0.15),
    FeatureSpec("invoice_extraction", "team_tracked_b", True, 0.08),
    FeatureSpec("listing_writer", "team_scaling_a", True, 0.30, conversion_boost=0.01),
    FeatureSpec("listing_editor", "team_scaling_a", False, 0.10),
    FeatureSpec("support_assistant", "team_scaling_b", True, 0.12),
    FeatureSpec("help_center", "team_scaling_b", False, 0.12),
    FeatureSpec("knowledge_search", "team_optimizing_a", True, 0.35, conversion_boost=0.15),
    FeatureSpec("checkout", "team_optimizing_a", False, 0.20),  # conversions are recorded on it
    FeatureSpec("shopping_agent", "team_optimizing_b", True, 0.30, conversion_boost=0.02),
    FeatureSpec("deals_page", "team_optimizing_b", False, 0.10),
    FeatureSpec("ops_copilot", "team_auto", True, 0.30, conversion_boost=0.12),
    FeatureSpec("smart_eta", "team_auto", True, 0.20, conversion_boost=0.10),
    FeatureSpec("status_page", "team_auto", False, 0.05),
)

CONVERSION_FEATURE = "checkout"
BASE_CONVERSION = 0.04
ACTIVE_USERS_PER_MONTH = 600
USER_POPULATION = 1_000

MODELS: dict[str, ModelSpec] = {
    "gpt-4o": ModelSpec("openai", "gpt-4o-2024-08-06", "2024-08-06", 2.50, 10.00, 450, 12),
    "gpt-4o-mini": ModelSpec("openai", "gpt-4o-mini-2024-07-18", "2024-07-18", 0.15, 0.60, 300, 8),
    "o4-mini": ModelSpec("openai", "o4-mini-2025-04-16", "2025-04-16", 1.10, 4.40, 900, 10, reasoning=True),
    "claude-3-5-sonnet": ModelSpec("anthropic", "claude-3-5-sonnet-20241022", "20241022", 3.00, 15.00, 600, 14),
    "claude-3-5-haiku": ModelSpec("anthropic", "claude-3-5-haiku-20241022", "20241022", 0.80, 4.00, 350, 9),
    "gemini-1.5-flash": ModelSpec("gcp.vertex_ai", "gemini-1.5-flash-002", "002", 0.075, 0.30, 250, 6),
    "mistral-large": ModelSpec("mistral_ai", "mistral-large-2411", "2411", 2.00, 6.00, 500, 13),
    "text-embedding-3-small": ModelSpec("openai", "text-embedding-3-small", "3-small", 0.02, 0.0, 60, 0),
}
EMBEDDING_MODEL = "text-embedding-3-small"

LLM_FEATURES: tuple[LlmFeatureSpec, ...] = (
    LlmFeatureSpec(
        "invoice_extraction", "team_tracked_b", "svc_invoice_llm", pattern="completion",
        models=(("gpt-4o-mini", 1.0),), traces_per_month=120, streaming_share=0.0,
        prompt_timeline=(("2025-01-01", "v1"), ("2025-07-07 09:00:00", "v2")),
        prompt_quality={"v1": PromptQuality(0.85, 0.06, 0.15), "v2": PromptQuality(0.87, 0.05, 0.12)},
        eval_sample_share=0.2, human_review_share=0.02, safety_fail_share=0.02, adversarial_cases=15,
        vote_share=0.15,
    ),
    LlmFeatureSpec(
        "listing_writer", "team_scaling_a", "svc_listing_writer", pattern="chat",
        models=(("claude-3-5-haiku", 0.85), ("gpt-4o-mini", 0.15)), traces_per_month=200,
        prompt_timeline=(("2025-01-01", "v1"), ("2025-08-04 10:00:00", "v2")),
        prompt_quality={"v1": PromptQuality(0.86, 0.02, 0.20), "v2": PromptQuality(0.87, 0.02, 0.19)},
        eval_sample_share=0.1, human_review_share=0.02, safety_fail_share=0.0, vote_share=0.15,
        model_version_missing_share=0.2,
    ),
    LlmFeatureSpec(
        "support_assistant", "team_scaling_b", "svc_support_assistant", pattern="rag",
        models=(("gpt-4o", 0.9), ("mistral-large", 0.1)), traces_per_month=450,
        prompt_timeline=(
            ("2025-01-01", "v1"), ("2025-05-01 00:30:00", "v2"), (INCIDENT_SCENARIO.live_at, "v3"),
            (INCIDENT_SCENARIO.rollback_at, "v2"),
        ),
        prompt_quality={
            "v1": PromptQuality(0.84, 0.05, 0.13),
            "v2": PromptQuality(0.86, 0.04, 0.12),
            "v3": PromptQuality(0.60, 0.22, 0.36),
        },
        retrieval_timeline=(("2025-01-01", "rcfg_support_bm25_k5"), ("2025-06-02 09:00:00", "rcfg_support_hybrid_k6")),
        rag_suite="support_faq_golden", rag_cases=20, citation_quality=0.7,
        eval_sample_share=0.12, human_review_share=0.03, min_faithfulness_evals=48, safety_fail_share=0.0,
        vote_share=0.14, min_votes=48,
    ),
    LlmFeatureSpec(
        "knowledge_search", "team_optimizing_a", "svc_knowledge_search", pattern="rag",
        models=(("claude-3-5-sonnet", 0.7), ("mistral-large", 0.3)), traces_per_month=250,
        prompt_timeline=(("2025-01-01", "v1"), ("2025-03-03 09:00:00", "v2")),
        prompt_quality={"v1": PromptQuality(0.89, 0.015, 0.05), "v2": PromptQuality(0.91, 0.01, 0.045)},
        retrieval_timeline=(("2025-01-01", "rcfg_kb_dense_k5"), ("2025-04-07 09:00:00", "rcfg_kb_rerank_k8")),
        rag_suite="knowledge_search_golden", rag_cases=30, citation_quality=0.9,
        eval_sample_share=0.12, human_review_share=0.02, safety_fail_share=0.0, vote_share=0.14,
    ),
    LlmFeatureSpec(
        "shopping_agent", "team_optimizing_b", "svc_shopping_agent", pattern="agent",
        models=(("gemini-1.5-flash", 0.7), ("gpt-4o-mini", 0.3)), traces_per_month=150,
        prompt_timeline=(("2025-01-01", "v1"), ("2025-04-14 09:00:00", "v2"), ("2025-10-13 09:00:00", "v3")),
        prompt_quality={"v1": PromptQuality(0.85, 0.02, 0.07), "v2": PromptQuality(0.86, 0.02, 0.07),
                        "v3": PromptQuality(0.87, 0.02, 0.065)},
        eval_sample_share=0.06, human_review_share=0.01, safety_fail_share=0.05, vote_share=0.15,
    ),
    LlmFeatureSpec(
        "ops_copilot", "team_auto", "svc_ops_copilot", pattern="mixed",
        models=(("claude-3-5-sonnet", 0.5), ("claude-3-5-haiku", 0.35), ("o4-mini", 0.15)), traces_per_month=200,
        prompt_timeline=(("2025-01-01", "v1"), ("2025-06-02 09:00:00", "v2"), ("2025-11-03 09:00:00", "v3")),
        prompt_quality={"v1": PromptQuality(0.9, 0.01, 0.04), "v2": PromptQuality(0.92, 0.01, 0.04),
                        "v3": PromptQuality(0.93, 0.01, 0.035)},
        eval_sample_share=0.3, human_review_share=0.02, safety_fail_share=0.0, vote_share=0.15,
    ),
)

LLM_FEATURE_BY_NAME: dict[str, LlmFeatureSpec] = {f.feature_name: f for f in LLM_FEATURES}

# Survey instruments: (instrument, item codes, scale min, scale max, reverse-scored item codes)
INSTRUMENTS: tuple[tuple[str, tuple[str, ...], int, int, tuple[str, ...]], ...] = (
    ("psych_safety", tuple(f"ps_{i}" for i in range(1, 8)), 1, 7, ("ps_1", "ps_3", "ps_5")),
    ("westrum", tuple(f"wc_{i}" for i in range(1, 7)), 1, 7, ()),
    ("wellbeing", tuple(f"wb_{i}" for i in range(1, 6)), 1, 5, ("wb_3",)),
    ("knowledge", tuple(f"kn_{i}" for i in range(1, 4)), 1, 5, ()),
)
WAVE_MONTHS = (0, 3, 6, 9)  # 0-based months in which a quarterly wave is answered


def intended_levels() -> dict[str, dict[str, int]]:
    """team_id → {plane: level, ..., "overall": level} as designed."""
    return {t.team_id: {**t.levels.as_dict(), "overall": t.levels.overall} for t in TEAMS}
