from tests.applications.conftest import (  # noqa: F401
    agency,
    framework,
    lead,
    lead_client,
    lead_membership,
    member,
    member_client,
)
from tests.awards.conftest import _site_url, eager_tasks, panel  # noqa: F401
