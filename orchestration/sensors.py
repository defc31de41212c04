"""Sensors."""

# No `from __future__ import annotations` here: Dagster reads the type hints of the
# decorated functions (context, resources) at definition time.

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from orchestration.jobs import AssetJob
from orchestration.landing_files import decode_cursor, encode_cursor, hash_files, new_file_contents
from orchestration.resources import LandingFolder, WarehouseBusyError, WarehouseResource

LANDING_SENSOR_NAME = "landing_files"
LANDING_SENSOR_INTERVAL_SECONDS = 30

FILE_PATH_TAG = "goals/landing_file"
FILE_SHA256_TAG = "goals/landing_file_sha256"


def build_landing_sensor(job: AssetJob) -> SensorDefinition:
    """One run of the whole job per new file content in the landing folder.

    The run key is the file's sha256, so a content is requested once whatever its name;
    contents already in the ledger (raw.loaded_files) and renamed copies ask for nothing.
    Contents set aside by a load (raw.file_rejects: a truncated gzip, say) ask for nothing
    either, so a bad file never makes a run fail or repeat; a fixed file is new content.
    The cursor caches each file's hash by (size, mtime) so unchanged files are not re-read.
    A run loads every pending file of the folder in lexicographic order (so the
    first-loaded-wins rule follows path order whichever run starts first); runs whose file
    an earlier run already took load nothing and only rebuild.
    """

    @sensor(
        name=LANDING_SENSOR_NAME,
        job=job,
        minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description="Start the main job for each new file content in the landing folder.",
    )
    def landing_files(
        context: SensorEvaluationContext, warehouse: WarehouseResource, landing: LandingFolder
    ) -> SensorResult:
        files = landing.ready_files()
        if not files:
            folder = landing.folder()
            if not folder.is_dir():
                return SensorResult(
                    skip_reason=f"The landing folder {folder} does not exist (LANDING_DIR)."
                )
            return SensorResult(skip_reason=f"No event files in {folder}.")
        hashed, cache = hash_files(files, decode_cursor(context.cursor))
        try:
            loaded, set_aside = warehouse.known_sha256()
        except WarehouseBusyError as exc:
            context.log.info(str(exc))
            return SensorResult(
                skip_reason="The warehouse is being written; checking again next tick.",
                cursor=encode_cursor(cache),
            )
        todo = new_file_contents(hashed, loaded | set_aside)
        if not todo:
            bad = sum(1 for _, sha in hashed if sha in set_aside)
            note = f" ({bad} set aside as unreadable: `goals rejects --files`)" if bad else ""
            return SensorResult(
                skip_reason=f"All {len(files)} file(s) in {landing.folder()} are loaded{note}.",
                cursor=encode_cursor(cache),
            )
        return SensorResult(
            run_requests=[
                RunRequest(run_key=sha, tags={FILE_PATH_TAG: str(path), FILE_SHA256_TAG: sha})
                for path, sha in todo
            ],
            cursor=encode_cursor(cache),
        )

    return landing_files
