# The REST API as a Lambda container image (deploy/template.yaml builds it with `sam build`).
# An image, not a zip: pandas and numpy are native wheels, and the image keeps them with
# the Python they were built for.
# Issue 22: the same digest-pinned base as the dashboard (deploy/Dockerfile), not the floating
# public.ecr.aws/lambda/python:3.11 tag; the Lambda Runtime Interface Client (awslambdaric, in the
# hashed lock) makes it a Lambda image, as AWS documents for non-AWS base images.
FROM python:3.11.11-slim-bookworm@sha256:081075da77b2b55c23c088251026fb69a7b2bf92471e491ff5fd75c192fd38e5

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LAMBDA_TASK_ROOT=/var/task

WORKDIR /var/task
COPY deploy/requirements-api.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements-api.lock \
    && useradd --no-create-home --uid 10001 --shell /usr/sbin/nologin api

COPY lib ./lib

USER 10001
ENTRYPOINT ["python", "-m", "awslambdaric"]
CMD ["lib.api.handler"]
