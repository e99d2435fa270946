# The people and organisation of the access-management tests.
from tests.delegations.conftest import (  # noqa: F401
    client_factory,
    kari,
    kari_client,
    organization,
)
