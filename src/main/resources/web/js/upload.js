/**
 * Image uploads: `POST /api/uploads` (multipart field "image") with progress. XMLHttpRequest,
 * because fetch reports no upload progress. Refusals carry the server's code and message.
 */

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export class UploadError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Starts an upload; `{promise, abort}`. The promise gives `{imageUrl, width, height, ...}`. */
export function uploadImage(file, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    if (file.size > MAX_UPLOAD_BYTES) {
      // The server refuses it too, but a browser that is cut off mid-upload only sees a network error.
      reject(new UploadError("FILE_TOO_LARGE", "The image is larger than 5 MB. Choose a smaller one."));
      return;
    }
    xhr.open("POST", "/api/uploads");
    xhr.responseType = "json";
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response;
      if (xhr.status === 201 && typeof body?.imageUrl === "string") {
        resolve(body);
        return;
      }
      const error = body?.error ?? {};
      let message = error.message ?? `The upload failed (HTTP ${xhr.status}).`;
      if (error.code === "RATE_LIMITED" && error.retryAfterMs) {
        message += ` Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
      }
      reject(new UploadError(error.code ?? "UPLOAD_FAILED", message));
    });
    xhr.addEventListener("error", () => reject(new UploadError("NETWORK",
      "The upload did not reach the server. Check the connection and try again.")));
    xhr.addEventListener("abort", () => reject(new UploadError("ABORTED", "The upload was cancelled.")));
    const form = new FormData();
    form.append("image", file, file.name || "image");
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
