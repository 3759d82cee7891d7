# The REST API as a Lambda container image (deploy/template.yaml builds it with `sam build`).
# An image, not a zip: pandas and numpy are native wheels, and the image keeps them with
# the Python they were built for.
FROM public.ecr.aws/lambda/python:3.11

COPY deploy/requirements-api.txt ${LAMBDA_TASK_ROOT}/
RUN pip install --no-cache-dir -r "${LAMBDA_TASK_ROOT}/requirements-api.txt"

COPY lib ${LAMBDA_TASK_ROOT}/lib

CMD ["lib.api.handler"]
