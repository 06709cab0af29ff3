"""A benchmark empties only a database of its own: ``bench_schema_reset`` refuses any database
whose name does not say ``bench`` (the test database's does not), and drops nothing then."""

import pytest
from django.db import connection

from devtools.bench.db import NotABenchDatabase, bench_schema_reset

pytestmark = pytest.mark.django_db


def test_a_database_that_is_not_a_benchmarks_own_is_refused_and_left_alone():
    before = set(connection.introspection.table_names())
    assert "bench" not in str(connection.settings_dict["NAME"])
    with pytest.raises(NotABenchDatabase, match="contains 'bench'"):
        bench_schema_reset()
    assert set(connection.introspection.table_names()) == before
