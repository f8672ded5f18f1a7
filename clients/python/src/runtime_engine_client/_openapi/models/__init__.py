"""Contains all the data models used in inputs/outputs"""

from .action_enum import ActionEnum
from .alert_notification import AlertNotification
from .alert_notification_outcome_enum import AlertNotificationOutcomeEnum
from .alert_rule import AlertRule
from .alert_rule_kind_enum import AlertRuleKindEnum
from .alert_rule_write_request import AlertRuleWriteRequest
from .apply_request import ApplyRequest
from .apply_request_files import ApplyRequestFiles
from .apply_result import ApplyResult
from .approval import Approval
from .approve_request import ApproveRequest
from .artifacts import Artifacts
from .attempt import Attempt
from .audit_entry import AuditEntry
from .audit_list_via import AuditListVia
from .catch_up_enum import CatchUpEnum
from .channel_enum import ChannelEnum
from .compilation import Compilation
from .compilation_status_enum import CompilationStatusEnum
from .connection import Connection
from .connection_kind_enum import ConnectionKindEnum
from .connection_request import ConnectionRequest
from .env_var import EnvVar
from .env_var_request import EnvVarRequest
from .error import Error
from .error_body import ErrorBody
from .error_pattern import ErrorPattern
from .execution import Execution
from .execution_list import ExecutionList
from .execution_metadata import ExecutionMetadata
from .execution_metadata_hook import ExecutionMetadataHook
from .execution_metadata_revisions_item import ExecutionMetadataRevisionsItem
from .execution_metadata_schedule import ExecutionMetadataSchedule
from .execution_metrics import ExecutionMetrics
from .execution_metrics_bottleneck_type_0 import ExecutionMetricsBottleneckType0
from .execution_metrics_error_patterns_item import ExecutionMetricsErrorPatternsItem
from .execution_status_enum import ExecutionStatusEnum
from .execution_step_results import ExecutionStepResults
from .executions_list_status_item import ExecutionsListStatusItem
from .executions_list_trigger import ExecutionsListTrigger
from .executions_logs_list_format import ExecutionsLogsListFormat
from .executions_logs_list_level_item import ExecutionsLogsListLevelItem
from .executions_logs_list_min_level import ExecutionsLogsListMinLevel
from .file_upload_request import FileUploadRequest
from .health import Health
from .health_check import HealthCheck
from .health_checks import HealthChecks
from .input_file import InputFile
from .issue import Issue
from .last_run import LastRun
from .last_run_outcome_enum import LastRunOutcomeEnum
from .level_enum import LevelEnum
from .log_line import LogLine
from .metrics import Metrics
from .paginated_alert_notification_list import PaginatedAlertNotificationList
from .paginated_alert_rule_list import PaginatedAlertRuleList
from .paginated_audit_entry_list import PaginatedAuditEntryList
from .paginated_compilation_list import PaginatedCompilationList
from .paginated_connection_list import PaginatedConnectionList
from .paginated_env_var_list import PaginatedEnvVarList
from .paginated_execution_list_list import PaginatedExecutionListList
from .paginated_input_file_list import PaginatedInputFileList
from .paginated_log_line_list import PaginatedLogLineList
from .paginated_preset_list import PaginatedPresetList
from .paginated_schedule_list import PaginatedScheduleList
from .paginated_workflow_list_list import PaginatedWorkflowListList
from .patched_alert_rule_write_request import PatchedAlertRuleWriteRequest
from .patched_connection_request import PatchedConnectionRequest
from .patched_env_var_request import PatchedEnvVarRequest
from .patched_schedule_write_request import PatchedScheduleWriteRequest
from .patched_settings_patch_request import PatchedSettingsPatchRequest
from .patched_webhook_change_request import PatchedWebhookChangeRequest
from .patched_workflow_patch_request import PatchedWorkflowPatchRequest
from .preset import Preset
from .preset_request import PresetRequest
from .priority_enum import PriorityEnum
from .reject_request import RejectRequest
from .rerun_request import RerunRequest
from .retry_request import RetryRequest
from .schedule import Schedule
from .schedule_write_request import ScheduleWriteRequest
from .setting import Setting
from .skip_request import SkipRequest
from .start_request import StartRequest
from .step_action import StepAction
from .step_actions import StepActions
from .step_breakdown import StepBreakdown
from .step_breakdown_samples_item import StepBreakdownSamplesItem
from .step_detail import StepDetail
from .step_error import StepError
from .step_error_frames_item import StepErrorFramesItem
from .step_result import StepResult
from .step_status_enum import StepStatusEnum
from .step_trend import StepTrend
from .token import Token
from .token_create_request import TokenCreateRequest
from .token_created import TokenCreated
from .trigger_enum import TriggerEnum
from .type_enum import TypeEnum
from .via_enum import ViaEnum
from .webhook import Webhook
from .webhook_created import WebhookCreated
from .workflow import Workflow
from .workflow_change import WorkflowChange
from .workflow_files import WorkflowFiles
from .workflow_files_files import WorkflowFilesFiles
from .workflow_list import WorkflowList
from .workflow_trends import WorkflowTrends
from .workflow_trends_duration_ms import WorkflowTrendsDurationMs
from .workflow_trends_recent_item import WorkflowTrendsRecentItem
from .workflow_trends_recommendations_item import WorkflowTrendsRecommendationsItem
from .workflow_write_request import WorkflowWriteRequest

__all__ = (
    "ActionEnum",
    "AlertNotification",
    "AlertNotificationOutcomeEnum",
    "AlertRule",
    "AlertRuleKindEnum",
    "AlertRuleWriteRequest",
    "ApplyRequest",
    "ApplyRequestFiles",
    "ApplyResult",
    "Approval",
    "ApproveRequest",
    "Artifacts",
    "Attempt",
    "AuditEntry",
    "AuditListVia",
    "CatchUpEnum",
    "ChannelEnum",
    "Compilation",
    "CompilationStatusEnum",
    "Connection",
    "ConnectionKindEnum",
    "ConnectionRequest",
    "EnvVar",
    "EnvVarRequest",
    "Error",
    "ErrorBody",
    "ErrorPattern",
    "Execution",
    "ExecutionList",
    "ExecutionMetadata",
    "ExecutionMetadataHook",
    "ExecutionMetadataRevisionsItem",
    "ExecutionMetadataSchedule",
    "ExecutionMetrics",
    "ExecutionMetricsBottleneckType0",
    "ExecutionMetricsErrorPatternsItem",
    "ExecutionStatusEnum",
    "ExecutionStepResults",
    "ExecutionsListStatusItem",
    "ExecutionsListTrigger",
    "ExecutionsLogsListFormat",
    "ExecutionsLogsListLevelItem",
    "ExecutionsLogsListMinLevel",
    "FileUploadRequest",
    "Health",
    "HealthCheck",
    "HealthChecks",
    "InputFile",
    "Issue",
    "LastRun",
    "LastRunOutcomeEnum",
    "LevelEnum",
    "LogLine",
    "Metrics",
    "PaginatedAlertNotificationList",
    "PaginatedAlertRuleList",
    "PaginatedAuditEntryList",
    "PaginatedCompilationList",
    "PaginatedConnectionList",
    "PaginatedEnvVarList",
    "PaginatedExecutionListList",
    "PaginatedInputFileList",
    "PaginatedLogLineList",
    "PaginatedPresetList",
    "PaginatedScheduleList",
    "PaginatedWorkflowListList",
    "PatchedAlertRuleWriteRequest",
    "PatchedConnectionRequest",
    "PatchedEnvVarRequest",
    "PatchedScheduleWriteRequest",
    "PatchedSettingsPatchRequest",
    "PatchedWebhookChangeRequest",
    "PatchedWorkflowPatchRequest",
    "Preset",
    "PresetRequest",
    "PriorityEnum",
    "RejectRequest",
    "RerunRequest",
    "RetryRequest",
    "Schedule",
    "ScheduleWriteRequest",
    "Setting",
    "SkipRequest",
    "StartRequest",
    "StepAction",
    "StepActions",
    "StepBreakdown",
    "StepBreakdownSamplesItem",
    "StepDetail",
    "StepError",
    "StepErrorFramesItem",
    "StepResult",
    "StepStatusEnum",
    "StepTrend",
    "Token",
    "TokenCreateRequest",
    "TokenCreated",
    "TriggerEnum",
    "TypeEnum",
    "ViaEnum",
    "Webhook",
    "WebhookCreated",
    "Workflow",
    "WorkflowChange",
    "WorkflowFiles",
    "WorkflowFilesFiles",
    "WorkflowList",
    "WorkflowTrends",
    "WorkflowTrendsDurationMs",
    "WorkflowTrendsRecentItem",
    "WorkflowTrendsRecommendationsItem",
    "WorkflowWriteRequest",
)
