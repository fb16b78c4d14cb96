import CCurl
import Foundation
import Opossum
import OpossumSync
import Synchronization

/// One attempt of one exchange with the hub, run by libcurl on a thread of its own.
///
/// Each attempt starts a dedicated thread: libcurl blocks, and a blocked thread of the
/// Swift cooperative pool (or of the store's I/O pool) would starve work that has
/// nothing to do with the network. The thread drives one easy handle through a private
/// multi handle, so that cancelling the calling task can wake it at once
/// (`curl_multi_wakeup`) instead of waiting for libcurl's next progress call.
///
/// libcurl's callbacks are C function pointers without context: they find this object
/// again through the `CURLOPT_*DATA` pointer. Apart from ``cancel()``, which goes
/// through a mutex, everything here is touched only by the transfer thread, hence
/// `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    private let request: CurlRequest
    private let configuration: CurlTransport.Configuration
    private let attempt: Int

    /// What another thread may touch: the cancellation flag and the multi handle to wake.
    private let control = Mutex(Control())

    private struct Control: ~Copyable {
        var cancelled = false
        var multi: MultiHandle?
    }

    /// A `CURLM *` that `cancel()` may wake from another thread: `curl_multi_wakeup` is
    /// the one multi call libcurl allows from any thread.
    private struct MultiHandle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    // State of the transfer thread.
    private var easy: CurlEasy?
    private var upload: OpenFile?
    private var uploadSize: Int64 = 0
    private var uploadOffset: Int64 = 0
    private var download: OpenFile?
    private var downloadOffset: UInt64 = 0
    private var sink: Sink?
    private var outcome = CurlOutcome()
    private var lastProgress: TransferProgress?

    /// Where the body of the answer goes, chosen when its first bytes arrive, once the
    /// status is known.
    private enum Sink {
        /// The download file.
        case file(OpenFile)
        /// Memory, up to `limit` bytes; beyond it the transfer fails when `refusing`,
        /// or the rest is dropped (an error page is only read for its message).
        case memory(limit: Int, refusing: Bool)
    }

    /// The most of an error answer kept for its message.
    private static let errorBodyLimit = 64 << 10

    init(_ request: CurlRequest, configuration: CurlTransport.Configuration, attempt: Int) {
        self.request = request
        self.configuration = configuration
        self.attempt = attempt
    }

    /// Runs the attempt on a new thread and returns how it ended. Cancelling the calling
    /// task aborts the transfer; the outcome then says ``CurlOutcome/cancelled``.
    func perform() async -> CurlOutcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlOutcome, Never>) in
                let thread = Thread { [self] in
                    continuation.resume(returning: run())
                }
                thread.name = "opossum-curl"
                thread.start()
            }
        } onCancel: {
            cancel()
        }
    }

    /// Aborts the transfer, from any thread.
    func cancel() {
        control.withLock { control in
            control.cancelled = true
            if let multi = control.multi { curl_multi_wakeup(multi.pointer) }
        }
    }

    private var isCancelled: Bool {
        control.withLock { $0.cancelled }
    }

    // MARK: The transfer thread

    private func run() -> CurlOutcome {
        defer { closeFiles() }
        do {
            try openFiles()
        } catch {
            outcome.localFailure = error
            return outcome
        }
        let easy: CurlEasy
        do {
            easy = try CurlEasy()
            self.easy = easy
            try configure(easy)
        } catch {
            outcome.localFailure = TransportError(
                .io,
                "libcurl could not set up the \(request.name) to \(request.url): \(error)"
            )
            return outcome
        }
        outcome.code = drive(easy)
        collectInformation(from: easy)
        finishDownload()
        return outcome
    }

    private func openFiles() throws(TransportError) {
        if let path = request.bodyFile {
            do {
                let file = try OpenFile.reading(path)
                upload = file
                uploadSize = Int64(try file.size())
            } catch {
                throw TransportError(.io, "cannot read the bundle to push: \(error)")
            }
        }
        if let path = request.temporaryDestination {
            do {
                // A fixed name: a pull killed mid-way may have left one behind.
                try SystemCall.removeFile(path)
                download = try OpenFile.creating(path)
            } catch {
                throw TransportError(.io, "cannot write the pulled bundle: \(error)")
            }
        }
    }

    private func configure(_ easy: CurlEasy) throws(CurlFailure) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_URL, request.url)
        // Only the hub's own schemes: a redirect or a typo cannot lead to file:// or ftp://.
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        // libcurl must not raise SIGALRM or SIGPIPE: the process has other threads.
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.seconds * 1000))
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(configuration.lowSpeedTime.seconds.rounded(.up))))
        try easy.set(CURLOPT_TCP_KEEPALIVE, true)
        // "": every encoding this libcurl can decode (gzip, deflate, …), decoded on the fly.
        try easy.set(CURLOPT_ACCEPT_ENCODING, "")
        try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
        try easy.set(CURLOPT_FOLLOWLOCATION, false)
        try configureTLS(easy)

        var headers = request.headers + ["Authorization: Bearer \(configuration.token)"]
        if upload != nil {
            // No `Expect: 100-continue`: the hub (Hummingbird) does not answer it, so libcurl
            // would wait a second before every push body, and the hub refuses an unknown
            // token or an oversized body from the headers anyway, closing the connection.
            headers.append("Expect:")
            try easy.set(CURLOPT_POST, true)
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, large: uploadSize)
            try easy.set(CURLOPT_READDATA, pointer: me)
            try easy.setReadFunction { buffer, size, count, context in
                guard let buffer, let context else { return opossum_curl_readfunc_abort() }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.send(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
            }
            try easy.set(CURLOPT_SEEKDATA, pointer: me)
            try easy.setSeekFunction { context, offset, origin in
                guard let context, origin == SEEK_SET else { return opossum_curl_seekfunc_cantseek() }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.rewind(to: Int64(offset))
            }
        }
        try easy.setHeaders(headers)

        try easy.set(CURLOPT_WRITEDATA, pointer: me)
        try easy.setWriteFunction { buffer, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receive(UnsafeRawBufferPointer(start: buffer, count: size * count)) ? size * count : 0
        }
        try easy.set(CURLOPT_HEADERDATA, pointer: me)
        try easy.setHeaderFunction { buffer, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        try easy.set(CURLOPT_NOPROGRESS, false)
        try easy.set(CURLOPT_XFERINFODATA, pointer: me)
        try easy.setTransferInfoFunction { context, downloadTotal, downloaded, uploadTotal, uploaded in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.report(
                downloaded: Int64(downloaded),
                downloadTotal: Int64(downloadTotal),
                uploaded: Int64(uploaded),
                uploadTotal: Int64(uploadTotal)
            )
        }
    }

    private func configureTLS(_ easy: CurlEasy) throws(CurlFailure) {
        let tls = configuration.tls
        if let caFile = tls.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        if let certificate = tls.clientCertificateFile {
            try easy.set(CURLOPT_SSLCERT, certificate)
            try easy.set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = tls.clientKeyFile {
            try easy.set(CURLOPT_SSLKEY, key)
            try easy.set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let pin = tls.pinnedPublicKey { try easy.set(CURLOPT_PINNEDPUBLICKEY, pin) }
    }

    /// Runs the easy handle to its end through a private multi handle, waking up when the
    /// network is ready, on libcurl's timers, or when ``cancel()`` calls.
    private func drive(_ easy: CurlEasy) -> CURLcode {
        guard let multi = curl_multi_init() else { return CURLE_OUT_OF_MEMORY }
        defer { curl_multi_cleanup(multi) }
        guard curl_multi_add_handle(multi, easy.handle) == CURLM_OK else { return CURLE_FAILED_INIT }
        defer { curl_multi_remove_handle(multi, easy.handle) }
        let registered = control.withLock { control in
            control.multi = MultiHandle(pointer: multi)
            return !control.cancelled
        }
        // Unregister before the multi handle goes: `cancel()` must never wake a freed one.
        defer { control.withLock { $0.multi = nil } }
        guard registered else {
            outcome.cancelled = true
            return CURLE_ABORTED_BY_CALLBACK
        }

        var running: Int32 = 1
        while running > 0 {
            guard curl_multi_perform(multi, &running) == CURLM_OK else { return CURLE_FAILED_INIT }
            if running == 0 { break }
            if isCancelled {
                outcome.cancelled = true
                return CURLE_ABORTED_BY_CALLBACK
            }
            guard curl_multi_poll(multi, nil, 0, 1000, nil) == CURLM_OK else { return CURLE_FAILED_INIT }
        }
        var code = CURLE_OK
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            if message.pointee.msg == CURLMSG_DONE { code = message.pointee.data.result }
        }
        if code == CURLE_ABORTED_BY_CALLBACK && isCancelled { outcome.cancelled = true }
        return code
    }

    private func collectInformation(from easy: CurlEasy) {
        let text = easy.errorText
        outcome.errorText = text.isEmpty ? String(cString: curl_easy_strerror(outcome.code)) : text
        outcome.systemErrno = easy.long(CURLINFO_OS_ERRNO) ?? 0
        outcome.connected = (easy.offset(CURLINFO_PRETRANSFER_TIME_T) ?? 0) > 0
        outcome.status = easy.long(CURLINFO_RESPONSE_CODE) ?? 0
        if let seconds = easy.offset(CURLINFO_RETRY_AFTER), seconds > 0 { outcome.retryAfter = Double(seconds) }
        if let length = easy.offset(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T), length >= 0 { outcome.contentLength = length }
        outcome.bytesReceived = easy.offset(CURLINFO_SIZE_DOWNLOAD_T) ?? 0
    }

    /// Moves a complete pulled body into place; removes an incomplete one.
    private func finishDownload() {
        guard download != nil, let temporary = request.temporaryDestination, let destination = request.destination
        else { return }
        download = nil
        sink = nil
        guard outcome.isCompleteSuccess else {
            try? SystemCall.removeFile(temporary)
            return
        }
        // Not flushed: the bundle is applied at once and deleted; after a crash the
        // site simply pulls again.
        do {
            try SystemCall.rename(temporary, to: destination)
            outcome.delivered = true
        } catch {
            try? SystemCall.removeFile(temporary)
            outcome.localFailure = TransportError(.io, "cannot put the pulled bundle in place: \(error)")
        }
    }

    /// Closes the files (an `OpenFile` closes when released) and removes a download
    /// that never completed.
    private func closeFiles() {
        upload = nil
        sink = nil
        if download != nil {
            download = nil
            if let temporary = request.temporaryDestination { try? SystemCall.removeFile(temporary) }
        }
    }

    // MARK: Callbacks

    /// `CURLOPT_READFUNCTION`: the next bytes of the pushed file.
    private func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let upload, let path = request.bodyFile else { return opossum_curl_readfunc_abort() }
        do {
            let count = try upload.read(into: buffer, at: UInt64(uploadOffset))
            uploadOffset += Int64(count)
            if count == 0 && uploadOffset < uploadSize {
                outcome.localFailure = TransportError(
                    .io,
                    "the bundle at \(path) shrank from \(uploadSize) to \(uploadOffset) bytes while being pushed"
                )
                return opossum_curl_readfunc_abort()
            }
            return count
        } catch {
            outcome.localFailure = TransportError(.io, "cannot read the bundle to push: \(error)")
            return opossum_curl_readfunc_abort()
        }
    }

    /// `CURLOPT_SEEKFUNCTION`: libcurl sends the body again from `offset` (reads are
    /// positioned, so this only moves the next read).
    private func rewind(to offset: Int64) -> Int32 {
        guard upload != nil, (0...uploadSize).contains(offset) else { return opossum_curl_seekfunc_cantseek() }
        uploadOffset = offset
        return opossum_curl_seekfunc_ok()
    }

    /// `CURLOPT_WRITEFUNCTION`: bytes of the answer's body; `false` aborts.
    private func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let sink = self.sink ?? chooseSink()
        self.sink = sink
        switch sink {
        case .file(let file):
            do {
                try file.write(bytes, at: downloadOffset)
                downloadOffset += UInt64(bytes.count)
            } catch {
                outcome.localFailure = TransportError(.io, "cannot write the pulled bundle: \(error)")
                return false
            }
        case .memory(let limit, let refusing):
            let room = limit - outcome.body.count
            if bytes.count > room {
                if refusing {
                    outcome.localFailure = TransportError(
                        .invalidResponse,
                        "the hub's answer from \(request.url) is over \(limit >> 20) MiB: not an answer of the hub",
                        httpStatus: easy?.long(CURLINFO_RESPONSE_CODE)
                    )
                    return false
                }
                outcome.body.append(contentsOf: bytes.prefix(max(0, room)))
            } else {
                outcome.body.append(contentsOf: bytes)
            }
        }
        return true
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line. A status line starts a header block
    /// (after a `1xx`, another follows); an empty line ends it.
    private func receiveHeader(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) {
            outcome.headersComplete = false
        } else if line.elementsEqual("\r\n".utf8) || line.elementsEqual("\n".utf8) {
            outcome.headersComplete = true
        }
    }

    private func chooseSink() -> Sink {
        let status = easy?.long(CURLINFO_RESPONSE_CODE) ?? 0
        switch status {
        case 200:
            if let download { return .file(download) }
            return .memory(limit: configuration.maximumResponseSize, refusing: true)
        case 201..<300:
            return .memory(limit: configuration.maximumResponseSize, refusing: true)
        default:
            return .memory(limit: Self.errorBodyLimit, refusing: false)
        }
    }

    /// `CURLOPT_XFERINFOFUNCTION`: reports progress; a non-zero answer aborts the
    /// transfer, which is how a cancelled task stops it.
    private func report(downloaded: Int64, downloadTotal: Int64, uploaded: Int64, uploadTotal: Int64) -> Int32 {
        if isCancelled { return 1 }
        guard let progress = configuration.progress else { return 0 }
        let current = TransferProgress(
            attempt: attempt,
            bytesSent: uploaded,
            bytesToSend: upload == nil ? nil : uploadSize,
            bytesReceived: downloaded,
            bytesToReceive: downloadTotal > 0 ? downloadTotal : nil
        )
        if current != lastProgress {
            lastProgress = current
            progress(current)
        }
        return 0
    }
}
