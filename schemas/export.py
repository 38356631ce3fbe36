"""Writes the JSON Schema of each event and of the intake request under schemas/json/."""

import json
from pathlib import Path

from schemas.events import EVENT_TYPES
from schemas.requests import CallSubmission

JSON_DIR = Path(__file__).parent / "json"


def rendered() -> dict[str, str]:
    models = [*EVENT_TYPES, CallSubmission]
    return {
        f"{model.__name__}.json": json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
        for model in models
    }


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (JSON_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote schemas/json/{name}")


if __name__ == "__main__":
    main()
