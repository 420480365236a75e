#!/usr/bin/env python3
"""moto_server, with one fix to its Step Functions interpreter: the `states:startExecution`
task (the ingestion machine starts the pipeline with it).

moto (5.x) hands that task's parameters to its own Step Functions API under their ASL names
(`StateMachineArn`, `Input`, `Name`), which botocore's serializer rejects: the API's members are
`stateMachineArn`, `input`, `name`. In AWS the task works with the ASL names, which the committed
machine keeps; here they are renamed on their way to the API, nothing else changes.

    moto_server.py [moto_server's options]
"""
import sys

from moto.server import main
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_sfn as sfn_task

API_NAMES = {"StateMachineArn": "stateMachineArn", "Input": "input", "Name": "name"}
_normalise = sfn_task.StateTaskServiceSfn._normalise_parameters


def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    _normalise(self, parameters, boto_service_name=boto_service_name, service_action_name=service_action_name)
    if service_action_name is None and self._get_boto_service_action() == "start_execution":
        for asl_name, api_name in API_NAMES.items():
            if asl_name in parameters:
                parameters[api_name] = parameters.pop(asl_name)


sfn_task.StateTaskServiceSfn._normalise_parameters = _normalise_parameters

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
