from django.urls import path

from .views import agency as agency_views
from .views import appeals as appeal_views
from .views import assignments as assignment_views
from .views import decision_draft as draft_views
from .views import meetings as meeting_views
from .views import other_reviews as other_review_views
from .views import panel as panel_views
from .views import people as people_views
from .views import profiles as profile_views
from .views import queue as queue_views
from .views import reviewer as reviewer_views
from .views import screening as screening_views
from .views import staff as staff_views
from .views import staff_reviews as staff_review_views

APPLICATION = "applications/<int:pk>/"

# /moderation/ (namespace "moderation"): moderators and panel chairs
moderator_patterns = [
    path("", queue_views.queue, name="queue"),
    path("profile/", profile_views.profile, name="profile"),
    path("profile/agencies/", profile_views.profile_agencies, name="profile_agencies"),
    path(APPLICATION, reviewer_views.application, name="application"),
    path(APPLICATION + "declaration/", queue_views.declare_conflict, name="declare"),
    path(APPLICATION + "review/", reviewer_views.review, name="review"),
    path(APPLICATION + "review/amend/", reviewer_views.amend_review, name="amend"),
    path(APPLICATION + "reviews/", other_review_views.other_reviews, name="reviews"),
    path(APPLICATION + "reviews.csv", other_review_views.reviews_export, name="reviews_export"),
    path(
        APPLICATION + "files/<int:file_pk>/",
        other_review_views.evidence_download,
        name="evidence_download",
    ),
    path(
        APPLICATION + "information-request/",
        other_review_views.request_information,
        name="request_information",
    ),
    path("panel/", panel_views.panel_list, name="panel"),
    path("reviews-of-decisions/", appeal_views.appeal_list, name="appeals"),
    path("reviews-of-decisions/<int:appeal_pk>/", appeal_views.appeal_detail, name="appeal"),
    path("panel/" + APPLICATION, panel_views.consolidation, name="consolidation"),
    path("panel/" + APPLICATION + "decision/", draft_views.record_decision, name="decide"),
    path(
        "panel/" + APPLICATION + "decision/draft.pdf",
        draft_views.decision_draft_pdf,
        name="decision_draft_pdf",
    ),
    path(
        "panel/" + APPLICATION + "decision/correct/",
        panel_views.correct_decision,
        name="correct_decision",
    ),
]

# Under /staff/ (namespace "staff"): Coram staff
staff_patterns = [
    path("moderators/", profile_views.staff_moderator_list, name="moderator_list"),
    path("moderators/<int:pk>/", profile_views.staff_moderator_detail, name="moderator_detail"),
    path("moderators/<int:pk>/chair/", profile_views.staff_moderator_chair, name="moderator_chair"),
    path(
        "moderators/<int:pk>/deactivate/",
        profile_views.staff_moderator_deactivate,
        name="moderator_deactivate",
    ),
    path(
        "moderators/<int:pk>/reactivate/",
        profile_views.staff_moderator_reactivate,
        name="moderator_reactivate",
    ),
    path("screening/", staff_views.screening_queue, name="screening"),
    path("applications/", staff_views.application_list, name="application_list"),
    path(APPLICATION, staff_views.application_detail, name="application"),
    path(APPLICATION + "fee/", screening_views.record_fee, name="fee"),
    path(APPLICATION + "eligibility/", screening_views.record_eligibility, name="eligibility"),
    path(APPLICATION + "assign/", assignment_views.assign, name="assign"),
    path(
        APPLICATION + "assignments/<int:assignment_pk>/",
        assignment_views.change_assignment,
        name="assignment",
    ),
    path(
        APPLICATION + "assignments/<int:assignment_pk>/remove/",
        assignment_views.remove_assignment,
        name="assignment_remove",
    ),
    path(APPLICATION + "accept/", screening_views.accept, name="accept"),
    path(APPLICATION + "return/", screening_views.return_to_agency, name="return"),
    path(APPLICATION + "reviews/", staff_review_views.reviews, name="reviews"),
    path(APPLICATION + "open-panel/", staff_review_views.open_panel, name="open_panel"),
    path(
        APPLICATION + "information-request/",
        staff_review_views.request_information,
        name="request_information",
    ),
    path(
        APPLICATION + "files/<int:file_pk>/",
        staff_review_views.evidence_download,
        name="evidence_download",
    ),
    path("panel-meetings/", meeting_views.meeting_list, name="meetings"),
    path("panel-meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("panel-meetings/<int:meeting_pk>/", meeting_views.meeting_detail, name="meeting"),
]

# Under /agency/ (namespace "agency"): the agency's side of moderation
agency_patterns = [
    path(
        APPLICATION + "information/<int:request_pk>/",
        agency_views.respond_to_information_request,
        name="information_request",
    ),
    path(APPLICATION + "decision/", agency_views.decision, name="decision"),
    path(APPLICATION + "decision.pdf", agency_views.decision_pdf, name="decision_pdf"),
    path(APPLICATION + "decision/review/", appeal_views.request_appeal, name="appeal"),
]

staff_patterns += [
    path("people/", people_views.people_list, name="people_list"),
    path("people/<int:pk>/", people_views.people_detail, name="people_detail"),
    path(
        "people/<int:pk>/remove-staff-rights/",
        people_views.people_remove_staff,
        name="people_remove_staff",
    ),
]

# Public pages (no sign-in): the register and verification, added with awards
public_patterns: list = []


# --- Awards, certificates, the register (appended with awards) ------------------------------
from .views import awards as award_views  # noqa: E402
from .views import register as register_views  # noqa: E402

AWARD = "awards/<int:pk>/"

staff_patterns += [
    path("awards/", award_views.staff_award_list, name="award_list"),
    path(AWARD, award_views.staff_award_detail, name="award"),
    path(AWARD + "publish/", award_views.staff_award_publish, name="award_publish"),
    path(AWARD + "unpublish/", award_views.staff_award_unpublish, name="award_unpublish"),
    path(AWARD + "suspend/", award_views.staff_award_suspend, name="award_suspend"),
    path(AWARD + "reinstate/", award_views.staff_award_reinstate, name="award_reinstate"),
    path(AWARD + "withdraw/", award_views.staff_award_withdraw, name="award_withdraw"),
    path(
        AWARD + "certificate/regenerate/",
        award_views.staff_certificate_regenerate,
        name="award_regenerate",
    ),
    path(
        AWARD + "certificates/<int:version>.pdf",
        award_views.staff_certificate_download,
        name="award_certificate",
    ),
]

agency_patterns += [
    path("<slug:slug>/" + AWARD, award_views.agency_award, name="award"),
    path(
        "<slug:slug>/" + AWARD + "certificate.pdf",
        award_views.agency_certificate_download,
        name="award_certificate",
    ),
]

# Public (no sign-in): the register, its downloads and feed, verification, badges.
register_patterns = [
    path("register/", register_views.register, name="register"),
    path("register/data/", register_views.register_data, name="register_data"),
    path("register/feed/", register_views.feed, name="feed"),
    path("register/agencies/<slug:slug>/", register_views.agency, name="agency"),
    path("register.csv", register_views.register_csv, name="register_csv"),
    path("register.json", register_views.register_json, name="register_json"),
    path("verify/<str:token>/", register_views.verify, name="verify"),
    path("badge/<slug:slug>.svg", register_views.badge, name="badge"),
]
public_patterns = register_patterns

# --- Running the scheme: dashboard, calibration, exports, notification log --------------------
from .views import calibration as calibration_views  # noqa: E402
from .views import dashboard as dashboard_views  # noqa: E402
from .views import exports as export_views  # noqa: E402
from .views import notification_log as email_views  # noqa: E402

staff_patterns += [
    path("", dashboard_views.dashboard, name="home"),
    path("calibration/", calibration_views.calibration, name="calibration"),
    path(
        "panel-meetings/<int:meeting_pk>/cancel/",
        meeting_views.meeting_cancel,
        name="meeting_cancel",
    ),
    path("exports/", export_views.export_list, name="exports"),
    path("emails/", email_views.email_list, name="emails"),
    path("emails/<int:pk>/", email_views.email_detail, name="email"),
    path("emails/<int:pk>/resend/", email_views.email_resend, name="email_resend"),
    path("emails/templates/", email_views.email_previews, name="email_previews"),
    path("emails/templates/<slug:name>/", email_views.email_preview, name="email_preview"),
    path("exports/<slug:name>.<slug:file_format>", export_views.export_download, name="export"),
]

# --- Action plans of Working Towards awards ---------------------------------------------------
from .views import action_plans as plan_views  # noqa: E402

PLAN = "<slug:slug>/" + AWARD + "action-plan/"

agency_patterns += [
    path(PLAN, plan_views.agency_action_plan, name="action_plan"),
    path(PLAN + "actions/new/", plan_views.agency_action_add, name="action_add"),
    path(PLAN + "actions/<int:action_pk>/", plan_views.agency_action_edit, name="action_edit"),
    path(PLAN + "progress/", plan_views.agency_progress_report, name="action_plan_progress"),
]
staff_patterns += [
    path(AWARD + "action-plan/", plan_views.acknowledge_action_plan, name="action_plan"),
]
moderator_patterns += [
    path(AWARD + "action-plan/", plan_views.acknowledge_action_plan, name="action_plan"),
]
