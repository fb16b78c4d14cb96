import Foundation
import OpossumTestSupport

/// One soak run: set-up, chaos for the configured duration, a clean sync, the check.
struct Soak {
    let configuration: SoakConfiguration

    private var directory: String { configuration.directory }

    func run() async throws -> SoakReport {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: "\(directory)/hub") else {
            throw SetUpFailure(message: "\(directory) already holds a soak run; give another --dir")
        }
        for folder in ["logs", "scratch", "work"] {
            try fileManager.createDirectory(atPath: "\(directory)/\(folder)", withIntermediateDirectories: true)
        }
        let runner = OpossumRunner(
            executable: BuiltProduct.path(of: "opossum"),
            scratch: "\(directory)/scratch",
            timeout: configuration.commandTimeout
        )
        let ledger = SoakLedger()
        let hubStore = "\(directory)/hub"
        try await runner.succeed(["hub", "init", "--store", hubStore, "--name", "head-office"])
        let headOffice = HeadOffice(
            hubStore: hubStore,
            runner: runner,
            ledger: ledger,
            workDirectory: "\(directory)/work",
            random: configuration.random(for: 1)
        )
        try await headOffice.stockDepots()
        let hub = HubSupervisor(
            store: hubStore,
            logDirectory: "\(directory)/logs",
            arguments: ["--pull-max-events", String(configuration.hubPullMaximumEvents)],
            ledger: ledger
        )
        try await hub.start()
        var sites: [SoakSite] = []
        defer {
            for site in sites { site.proxy.stop() }
        }
        do {
            for index in 0..<configuration.siteCount {
                sites.append(try await enrol(index, hubStore: hubStore, hubPort: await hub.port, runner: runner))
            }
            log("hub on port \(await hub.port), \(sites.count) sites behind fault proxies; seed \(configuration.seed)")
            let started = ContinuousClock.now
            var batches = await chaos(sites: sites, hub: hub, headOffice: headOffice, runner: runner, ledger: ledger)
            let chaosTime = ContinuousClock.now - started
            log("chaos over after \(chaosTime.formatted(.units(allowed: [.minutes, .seconds]))); clean sync")
            for site in sites { site.planner.stopFaults() }
            try await hub.ensureRunning()
            let rounds = try await converge(sites, runner: runner, ledger: ledger)
            try await hub.stop()
            try sabotage(&batches, hubStore: hubStore)
            log("checking the stores")
            let check = try await SoakChecker(runner: runner, hubStore: hubStore).check(
                sites.map { ($0, batches[$0.index] ?? []) }
            )
            for violation in check.violations { await ledger.violation(violation) }
            return await SoakReport(
                configuration: configuration,
                chaosTime: chaosTime,
                sites: sites,
                ledger: ledger,
                check: check,
                cleanSyncRounds: rounds,
                hubLogTrouble: await hub.troubleInLogs()
            )
        } catch {
            try? await hub.stop()
            throw error
        }
    }

    /// A set-up step that did not work.
    struct SetUpFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Makes site `index`, its proxy to the hub, and enrols it with the proxy's URL.
    private func enrol(_ index: Int, hubStore: String, hubPort: Int, runner: OpossumRunner) async throws -> SoakSite {
        let name = "site-\(index + 1)"
        let store = "\(directory)/\(name)"
        let initialized = try await runner.succeed(["init", "--store", store, "--name", name])
        guard let storeId = initialized.jsonObject?["storeId"] as? String else {
            throw SetUpFailure(message: "`opossum init` printed no storeId: \(initialized.stdout)")
        }
        let planner = FaultPlanner(random: configuration.random(for: 300 + UInt64(index)), faultRate: 0)
        let proxy = try FaultProxy(targetPort: hubPort) { _ in planner.plan() }
        let identity = try await runner.succeed(["identity", "--store", store])
        let identityFile = "\(directory)/work/\(name).identity.json"
        try Data(identity.stdout.utf8).write(to: URL(fileURLWithPath: identityFile))
        let enrolment = try await runner.succeed([
            "hub", "add-site", "--store", hubStore, "--identity", identityFile, "--url",
            "http://127.0.0.1:\(proxy.port)",
        ])
        let enrolmentFile = "\(directory)/work/\(name).enrolment.json"
        try Data(enrolment.stdout.utf8).write(to: URL(fileURLWithPath: enrolmentFile))
        try await runner.succeed(["join", "--store", store, "--enrolment", enrolmentFile])
        // A first sync before the faults start, so every site begins knowing the stock.
        try await runner.succeed(["sync", "--store", store])
        let site = SoakSite(
            index: index,
            name: name,
            store: store,
            storeId: storeId.lowercased(),
            proxy: proxy,
            planner: planner
        )
        return site
    }

    /// Runs the sites' apps and syncs, head office and the hub's killer until the
    /// duration is over; returns each site's acknowledged decisions.
    private func chaos(
        sites: [SoakSite],
        hub: HubSupervisor,
        headOffice: HeadOffice,
        runner: OpossumRunner,
        ledger: SoakLedger
    ) async -> [Int: [AppendedBatch]] {
        for site in sites { site.planner.setFaultRate(configuration.faultRate) }
        let deadline = ContinuousClock.now + configuration.duration
        let configuration = configuration
        let work = "\(directory)/work"
        return await withTaskGroup(of: (Int, [AppendedBatch])?.self) { group in
            for site in sites {
                group.addTask {
                    var app = SiteApp(
                        site: site,
                        runner: runner,
                        ledger: ledger,
                        workDirectory: work,
                        random: configuration.random(for: 100 + UInt64(site.index))
                    )
                    await app.run(until: deadline)
                    return (site.index, app.batches)
                }
                group.addTask {
                    var syncer = SiteSyncer(
                        site: site,
                        runner: runner,
                        ledger: ledger,
                        killRate: configuration.syncKillRate,
                        random: configuration.random(for: 200 + UInt64(site.index))
                    )
                    await syncer.run(until: deadline)
                    return nil
                }
            }
            group.addTask {
                var office = headOffice
                await office.run(until: deadline)
                return nil
            }
            group.addTask {
                await Self.killHub(hub, until: deadline, configuration: configuration, ledger: ledger)
                return nil
            }
            group.addTask {
                while ContinuousClock.now < deadline {
                    try? await Task.sleep(for: min(.seconds(30), deadline - ContinuousClock.now))
                    Self.log(await ledger.progressLine())
                }
                return nil
            }
            var batches: [Int: [AppendedBatch]] = [:]
            for await finished in group {
                if let (index, appended) = finished { batches[index] = appended }
            }
            return batches
        }
    }

    /// Kills the hub at random and restarts it on the same port after a while.
    private static func killHub(
        _ hub: HubSupervisor,
        until deadline: ContinuousClock.Instant,
        configuration: SoakConfiguration,
        ledger: SoakLedger
    ) async {
        var random = configuration.random(for: 0)
        while true {
            let uptime = configuration.hubUptime.random(using: &random)
            guard ContinuousClock.now + uptime < deadline else { break }
            try? await Task.sleep(for: uptime)
            do {
                try await hub.kill()
                try await Task.sleep(for: configuration.hubDowntime.random(using: &random))
                try await hub.ensureRunning()
            } catch {
                await ledger.violation("hub chaos: \(error)")
            }
        }
    }

    /// Syncs every site, round after round, until two rounds in a row move nothing, then
    /// once more; returns the number of rounds.
    private func converge(_ sites: [SoakSite], runner: OpossumRunner, ledger: SoakLedger) async throws -> Int {
        var quietRounds = 0
        for round in 1...30 {
            var quiet = true
            for site in sites {
                let outcome = try await runner.run(["sync", "--store", site.store, "--json"])
                guard outcome.exitCode == 0 || outcome.exitCode == 2, let report = outcome.jsonObject else {
                    await ledger.violation("clean sync, \(site.name): \(outcome.summary)")
                    quiet = false
                    continue
                }
                let moved = ["pushedEvents", "pulledEvents", "verdictsReceived"].contains {
                    (report[$0] as? Int ?? 0) > 0
                }
                if moved { quiet = false }
            }
            if quietRounds == 2 { return round }
            quietRounds = quiet ? quietRounds + 1 : 0
        }
        await ledger.violation("the sites did not settle in 30 rounds of clean syncs")
        return 30
    }

    /// A progress line on standard error.
    static func log(_ message: String) {
        let time = Date().formatted(.iso8601.time(includingFractionalSeconds: false))
        FileHandle.standardError.write(Data("opossum-soak: \(time) \(message)\n".utf8))
    }

    private func log(_ message: String) { Self.log(message) }
}
