import { redirect } from "next/navigation";
import { SETTINGS_SECTIONS } from "@/components/settings/sections";

export default function SettingsIndex() {
  redirect(SETTINGS_SECTIONS[0]!.href);
}
