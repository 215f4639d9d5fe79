"""The raw contract (shared/spec/raw_contract.md) as data: columns with SQL types, keys, required
columns and enumerations of every raw table. The writer casts to these types; tests check them."""

from __future__ import annotations

from dataclasses import dataclass

V, TS, B, I, D = "VARCHAR", "TIMESTAMP", "BOOLEAN", "BIGINT", "DOUBLE"  # noqa: E741 - named like the type letters of the column specs


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, SQL type), contract order, `_loaded_at` last
    key: tuple[str, ...]
    required: tuple[str, ...]
    enums: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @property
    def types(self) -> dict[str, str]:
        return dict(self.columns)


def _t(name: str, key: str, cols: str, required: str, enums: dict[str, tuple[str, ...]] | None = None) -> TableSpec:
    columns = []
    for part in cols.split():
        col, typ = part.split(":")
        columns.append((col, {"v": V, "ts": TS, "b": B, "i": I, "d": D}[typ]))
    columns.append(("_loaded_at", TS))
    return TableSpec(
        name=name,
        columns=tuple(columns),
        key=tuple(key.split(",")),
        required=tuple(required.split()),
        enums=tuple((enums or {}).items()),
    )


ROLES = ("research", "applied_ml", "ml_platform", "software", "data", "product", "other")
SUITES = ("production_sample", "ci_release", "adversarial", "human_review")
EVALUATION_NAMES = (
    "faithfulness", "hallucination", "refusal", "toxicity", "pii_leak", "instruction_following", "answer_relevancy",
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        _t("teams", "team_id", "team_id:v team_name:v org_unit:v created_at:ts", "team_id team_name"),
        _t(
            "service_ownership", "service_id,valid_from",
            "service_id:v team_id:v valid_from:ts valid_to:ts", "service_id team_id valid_from",
        ),
        _t(
            "people", "person_key", "person_key:v team_id:v role:v joined_at:ts left_at:ts",
            "person_key team_id role joined_at", {"role": ROLES},
        ),
        _t(
            "changes", "change_id", "change_id:v service_id:v first_commit_at:ts merged_at:ts author_key:v",
            "change_id service_id first_commit_at",
        ),
        _t(
            "deployments", "deployment_id",
            "deployment_id:v service_id:v team_id:v environment:v artifact_type:v artifact_version:v model_name:v "
            "model_version:v training_run_id:v started_at:ts finished_at:ts status:v trigger:v strategy:v "
            "is_rollback:b rollback_of_deployment_id:v is_unplanned:b pre_deploy_eval_passed:b",
            "deployment_id service_id environment artifact_type started_at finished_at status trigger",
            {
                "artifact_type": ("code", "model", "prompt", "config", "infra"),
                "status": ("success", "failed", "rolled_back", "cancelled"),
                "trigger": ("manual", "pipeline", "automated"),
                "strategy": ("direct", "canary", "blue_green", "shadow", "ab_test"),
            },
        ),
        _t("deployment_changes", "deployment_id,change_id", "deployment_id:v change_id:v", "deployment_id change_id"),
        _t(
            "incidents", "incident_id",
            "incident_id:v service_id:v team_id:v severity:v started_at:ts detected_at:ts reported_at:ts "
            "resolved_at:ts detection_source:v caused_by_deployment_id:v root_cause:v remediation:v",
            "incident_id service_id severity started_at detected_at detection_source",
            {
                "severity": ("sev1", "sev2", "sev3", "sev4"),
                "detection_source": ("automated", "staff", "customer"),
                "root_cause": ("code", "model", "data_drift", "prompt", "infra", "dependency", "unknown"),
                "remediation": ("rollback", "fix_forward", "retrain", "config", "none"),
            },
        ),
        _t(
            "training_runs", "run_id",
            "run_id:v team_id:v model_name:v experiment_name:v trigger_type:v triggered_at:ts started_at:ts "
            "ended_at:ts status:v git_commit:v dataset_digest:v data_snapshot_at:ts params_logged:b "
            "metrics_logged:b eval_gate_passed:b registered_model_version:v drift_check_id:v",
            "run_id team_id model_name trigger_type triggered_at started_at status",
            {
                "trigger_type": ("manual", "schedule", "ci", "new_data", "performance_degradation", "data_drift"),
                "status": ("finished", "failed", "killed", "running"),
            },
        ),
        _t(
            "drift_checks", "check_id",
            "check_id:v team_id:v model_name:v model_version:v monitor_name:v checked_at:ts drift_detected:b "
            "drift_score:d stattest_threshold:d share_of_drifted_columns:d severity:v acknowledged_at:ts "
            "resolved_at:ts is_false_positive:b",
            "check_id team_id model_name checked_at drift_detected",
            {"severity": ("low", "medium", "high")},
        ),
        _t(
            "inference_windows", "service_id,model_name,window_start",
            "service_id:v model_name:v model_version:v window_start:ts window_end:ts request_count:i "
            "error_count:i latency_p50_ms:d latency_p95_ms:d latency_p99_ms:d",
            "service_id window_start window_end request_count error_count latency_p95_ms",
        ),
        _t(
            "slo_targets", "service_id,sli", "service_id:v sli:v objective:d slo_class:v", "service_id sli objective",
            {"sli": ("availability", "latency_p95_ms"), "slo_class": ("p1", "p2", "p3", "p4", "p5")},
        ),
        _t(
            "llm_requests", "request_id",
            "request_id:v trace_id:v parent_request_id:v conversation_id:v team_id:v service_id:v feature_name:v "
            "environment:v operation_name:v provider_name:v request_model:v response_model:v model_version:v "
            "prompt_name:v prompt_version:v prompt_hash:v retrieval_config_id:v is_streaming:b started_at:ts "
            "first_token_at:ts ended_at:ts input_tokens:i output_tokens:i cache_read_input_tokens:i "
            "reasoning_output_tokens:i cost_usd:d status:v finish_reason:v error_type:v user_key:v eval_case_id:v "
            "prompt_text:v response_text:v",
            "request_id team_id feature_name provider_name request_model prompt_hash started_at ended_at "
            "input_tokens output_tokens cost_usd status",
            {
                "operation_name": ("chat", "text_completion", "embeddings", "retrieval", "execute_tool", "invoke_agent"),
                "status": ("ok", "error", "timeout", "refused", "filtered"),
            },
        ),
        _t(
            "llm_request_chunks", "request_id,chunk_id,kind", "request_id:v chunk_id:v kind:v rank:i",
            "request_id chunk_id kind", {"kind": ("retrieved", "cited")},
        ),
        _t("rag_eval_cases", "case_id,chunk_id", "case_id:v suite:v chunk_id:v", "case_id suite chunk_id"),
        _t(
            "llm_evaluations", "evaluation_id",
            "evaluation_id:v request_id:v trace_id:v evaluated_at:ts suite:v evaluation_name:v score_value:d "
            "passed:b evaluator_source:v evaluator_name:v is_legitimate_request:b team_id:v feature_name:v "
            "model_version:v prompt_hash:v retrieval_config_id:v",
            "evaluation_id evaluated_at suite evaluation_name score_value passed evaluator_source",
            {"suite": SUITES, "evaluation_name": EVALUATION_NAMES, "evaluator_source": ("automated", "human")},
        ),
        _t(
            "product_events", "event_id",
            "event_id:v occurred_at:ts user_key:v team_id:v feature_name:v is_ai_feature:b event_type:v "
            "request_id:v revenue_usd:d",
            "event_id occurred_at user_key team_id feature_name is_ai_feature event_type",
            {"event_type": ("active", "feature_use", "upvote", "downvote", "conversion")},
        ),
        _t(
            "survey_responses", "response_id,item_code",
            "response_id:v survey_id:v wave:v respondent_key:v team_id:v submitted_at:ts instrument:v item_code:v "
            "response_value:i scale_min:i scale_max:i reverse_scored:b comment_text:v",
            "response_id survey_id wave respondent_key team_id submitted_at instrument item_code response_value "
            "scale_min scale_max reverse_scored",
            {"instrument": ("psych_safety", "westrum", "wellbeing", "knowledge")},
        ),
        _t(
            "explainability_requests", "request_id",
            "request_id:v team_id:v model_name:v requested_at:ts fulfilled_at:ts requester_type:v",
            "request_id team_id requested_at",
            {"requester_type": ("auditor", "regulator", "customer", "internal")},
        ),
        _t(
            "bias_audits", "audit_id", "audit_id:v team_id:v model_name:v audited_at:ts findings_count:i remediated_at:ts",
            "audit_id team_id model_name audited_at findings_count",
        ),
        _t(
            "model_documentation", "model_name,model_version",
            "model_name:v model_version:v team_id:v documented_at:ts required_fields:i completed_fields:i",
            "model_name model_version team_id documented_at required_fields completed_fields",
        ),
        _t(
            "readiness_assessments", "assessment_id,item_code",
            "assessment_id:v team_id:v assessed_at:ts plane:v level:i item_code:v answer:v respondent_role:v",
            "assessment_id team_id assessed_at plane level item_code answer",
            {"plane": ("process", "platform", "team_culture", "product"), "answer": ("yes", "partial", "no")},
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
