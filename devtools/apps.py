from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Installed for its management commands (``seed_demo``, ``run_demo_scenarios``, ``bench_*``);
    it has no models."""

    name = "devtools"
    verbose_name = "Developer tools"
