import Foundation

// The example worker: one process among several racing on one store; see WorkerCommand.
exit(await WorkerCommand.run(Array(CommandLine.arguments.dropFirst())))
