"""The image's beat schedule: the weekly MOI check at PanelApp's Sunday 06:30, or when the
environment says (MOI_CHECK_*), off with ACTIVE_SCHEDULED_TASKS empty; a bad value stops start-up
naming the variable. Read by the production settings in a process of their own."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.postgres

SHOW = (
    "import json, django; django.setup(); from django.conf import settings; "
    "entry = settings.CELERY_BEAT_SCHEDULE.get('moi-check'); "
    "print(json.dumps(None if entry is None else {'task': entry['task'], 'schedule': str(entry['schedule']), "
    "'omim': bool(settings.OMIM_API_KEY), 'url': settings.OMIM_API_URL, "
    "'others': sorted(k for k in settings.CELERY_BEAT_SCHEDULE if k != 'moi-check')}))"
)


def schedule(env):
    done = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_moi_check_runs_weekly_when_the_environment_says(production_env):
    default = schedule(production_env)
    assert default == {
        "task": "moi_checks.tasks.moi_check",
        "schedule": "<crontab: 30 6 * * sun (m/h/dM/MY/d)>",
        "omim": False,
        "url": "https://api.omim.org/api/entry",
        "others": ["forget-completed-tasks"],
    }
    custom = schedule(
        {
            **production_env,
            "MOI_CHECK_DAY_OF_WEEK": "mon-fri",
            "MOI_CHECK_HOUR": "22",
            "MOI_CHECK_MINUTE": "5",
            "OMIM_API_KEY": "a-key",
            "OMIM_API_URL": "http://127.0.0.1:9/api/entry",
        }
    )
    assert custom["schedule"] == "<crontab: 5 22 * * mon-fri (m/h/dM/MY/d)>"
    assert custom["omim"] is True and custom["url"] == "http://127.0.0.1:9/api/entry"
    assert schedule({**production_env, "ACTIVE_SCHEDULED_TASKS": ""}) is None


def test_a_bad_schedule_stops_start_up_naming_the_variable(production_env):
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**production_env, "MOI_CHECK_HOUR": "25", "OMIM_API_KEY": "never-shown"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "MOI_CHECK_HOUR must be between 0 and 23" in done.stderr
    assert "never-shown" not in done.stderr + done.stdout
