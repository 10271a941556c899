/*
 * The firmware host's entry: espnow, aioespnow and wlan are built in and
 * preloaded; the app is a mod installed with mcrun, whose "main" module runs
 * here. A mod's "check" module, which mcrun adds when the mod has graphics,
 * runs first and throws if the mod does not fit this host.
 */

import Modules from "modules";

export default function () {
	if (Modules.has("check")) {
		try {
			Modules.importNow("check")();
		}
		catch (e) {
			trace(`ESP-NOW host: the installed mod does not fit this host: ${e}\n`);
			return;
		}
	}
	if (Modules.has("main"))
		Modules.importNow("main");
	else
		trace("ESP-NOW host: no mod installed. Install an app with: mcrun -d -m -p <platform>\n");
}
